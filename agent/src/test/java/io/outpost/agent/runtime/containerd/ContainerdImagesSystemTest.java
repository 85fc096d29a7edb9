package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.testing.BusyboxImages;
import io.outpost.testing.LocalRegistry;
import io.outpost.testing.Prerequisites;

/**
 * The containerd runtime's image side against a real, managed containerd ({@link
 * ContainerdFixture}): pull policies, a pull through the generated plain-HTTP mirror from a local
 * docker-registry, image garbage collection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerdImagesSystemTest {

    private ContainerdFixture f;

    @BeforeAll
    void startContainerd() throws Exception {
        f = ContainerdFixture.start("optestctd2", "10.233.93.");
    }

    @AfterAll
    void stopContainerd() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void image_pull_policy_is_honoured() throws Exception {
        SandboxConfig pod = f.pod("images");
        String sandbox = f.runtime.runPodSandbox(pod);
        ContainerConfig absent = new ContainerConfig("absent", 0, "127.0.0.1:1/nothing/here:1", List.of(), List.of(), "", Map.of(),
                List.of(), Resources.NONE, pod.logDirectory().resolve("absent/0.log"), Map.of());
        assertThatThrownBy(() -> f.runtime.createContainer(sandbox, absent, ContainerSecurity.DEFAULT,
                new ImagePull(ImagePull.Policy.NEVER, null)))
                .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.reason()).isEqualTo(Images.ERR_IMAGE_NEVER_PULL));
        assertThatThrownBy(() -> f.runtime.createContainer(sandbox, absent))
                .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.reason()).isEqualTo(Images.ERR_IMAGE_PULL));
        // An imported image runs under Never.
        String id = f.runtime.createContainer(sandbox, f.container(pod, "present", "sleep 1000", Resources.NONE),
                ContainerSecurity.DEFAULT, new ImagePull(ImagePull.Policy.NEVER, null));
        f.runtime.startContainer(id);
        assertThat(f.statusOf(id).running()).isTrue();
    }

    @Test
    void an_image_is_pulled_through_the_configured_plain_http_mirror() throws Exception {
        String registryBinary = Prerequisites.requireBinary("docker-registry", "docker-registry");
        Path registryConfig = f.work.resolve("registry.yml");
        Files.writeString(registryConfig, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + f.work.resolve("registry-data")
                + "\nhttp:\n  addr: 127.0.0.1:" + f.registryPort + "\n");
        Process registry = new ProcessBuilder(registryBinary, "serve", registryConfig.toString()).redirectErrorStream(true)
                .redirectOutput(f.work.resolve("registry.log").toFile()).start();
        try {
            String skopeo = Prerequisites.requireBinary("skopeo", "skopeo");
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> BusyboxImages.run(skopeo, "copy",
                    "--dest-tls-verify=false", "oci:" + f.images.layout + ":latest", "docker://127.0.0.1:" + f.registryPort + "/local/busybox:v2"));

            String image = ContainerdFixture.MIRRORED_REGISTRY + "/local/busybox:v2";
            assertThat(f.runtime.images().status(image)).isEmpty();
            SandboxConfig pod = f.pod("pulled");
            String sandbox = f.runtime.runPodSandbox(pod);
            ContainerConfig base = f.container(pod, "app", "sleep 1000", Resources.NONE);
            ContainerConfig c = new ContainerConfig(base.name(), 0, image, base.command(), base.args(), "", base.env(), List.of(),
                    base.resources(), base.logPath(), base.labels());
            String id = f.runtime.createContainer(sandbox, c, ContainerSecurity.DEFAULT, new ImagePull(ImagePull.Policy.ALWAYS, null));
            f.runtime.startContainer(id);
            assertThat(f.statusOf(id).running()).isTrue();
            assertThat(f.runtime.images().status(image)).isPresent();
        } finally {
            registry.destroy();
            registry.waitFor();
        }
    }

    /**
     * A managed containerd with the defaults an agent uses: it gets the agent's own pause image
     * (a sandbox runs with it, no import), and a registries.yaml wildcard mirror ("*", containerd's
     * {@code _default} host directory) serves an image of a registry no DNS resolves.
     */
    @Test
    void a_default_managed_containerd_provides_its_own_pause_image_and_the_wildcard_mirror_serves_any_registry() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(f.work.resolve("wildcard-registry"))) {
            registry.push(f.images.layout, "latest", "local/busybox");
            RegistryConfig wildcard = RegistryConfig.parse("mirrors:\n  \"*\":\n    endpoint: [\"http://" + registry.host() + "\"]\n");
            ContainerdConfig d = ContainerdConfig.defaults(f.work.resolve("defaults"), "10.233.94.0/24");
            ContainerdConfig config = new ContainerdConfig(d.root(), d.containerdBinary(), d.runcBinary(), d.cniBinDir(), d.sandboxImage(),
                    d.podCidr(), "optestctd3", wildcard);
            assertThat(config.sandboxImage()).isEqualTo(PauseImage.NAME);
            ContainerdRuntime runtime = ContainerdRuntime.managed(config, "127.0.0.1");
            try {
                assertThat(runtime.images().status(PauseImage.NAME)).as("imported at start").isPresent();
                SandboxConfig pod = f.pod("own-pause");
                String sandbox = runtime.runPodSandbox(pod);
                assertThat(runtime.sandboxStatus(sandbox).orElseThrow().ready()).isTrue();

                String image = "nowhere.invalid/local/busybox:latest";
                runtime.images().pull(image, null, null);
                assertThat(runtime.images().status(image)).isPresent();
                runtime.stopPodSandbox(sandbox);
                runtime.removePodSandbox(sandbox);
            } finally {
                runtime.close();
                new ProcessBuilder("ip", "link", "del", config.bridgeName()).start().waitFor();
            }
        }
    }

    @Test
    void image_garbage_collection_removes_an_unused_image_through_cri() throws Exception {
        Path spare = f.work.resolve("spare.tar");
        // Another config, so another image id: the same content under a second tag would be in use.
        BusyboxImages.run(Prerequisites.requireBinary("umoci", "umoci"), "config", "--image", f.images.layout + ":latest",
                "--config.cmd", "/bin/true", "--tag", "spare");
        BusyboxImages.run(Prerequisites.requireBinary("skopeo", "skopeo"), "copy", "oci:" + f.images.layout + ":spare",
                "docker-archive:" + spare + ":local/spare:1");
        ImageImport.importArchive(Path.of("/usr/bin/ctr"), f.config.socket(), spare);
        String spareId = f.runtime.images().status("docker.io/local/spare:1").orElseThrow().getId();
        // Only the spare image is offered to the collector, so other tests' images stay; a 0 %
        // threshold makes any disk "full".
        try (io.outpost.cri.CriChannel channel = io.outpost.cri.CriChannel.open("unix://" + f.config.socket())) {
            collectSpare(new CriImageNode(channel, BusyboxImages.PAUSE), spareId);
        }
        assertThat(f.runtime.images().status("docker.io/local/spare:1")).isEmpty();
    }

    private void collectSpare(CriImageNode cri, String spareId) {
        ImageGarbageCollector.Node onlySpare = new ImageGarbageCollector.Node() {
            public List<ImageGarbageCollector.Image> images() {
                return cri.images().stream().filter(i -> i.id().equals(spareId)).toList();
            }
            public java.util.Set<String> imagesInUse() {
                return cri.imagesInUse();
            }
            public ImageGarbageCollector.Disk imageDisk() {
                return cri.imageDisk();
            }
            public void remove(String id) {
                cri.remove(id);
            }
        };
        assertThat(cri.imageDisk().capacityBytes()).isPositive();
        assertThat(cri.images()).anySatisfy(i -> assertThat(i.pinned()).isTrue()); // the pause image
        ImageGarbageCollector gc = new ImageGarbageCollector(onlySpare, new ImageGarbageCollector.Policy(0, 0, Duration.ZERO),
                java.time.Clock.systemUTC());
        assertThat(gc.collect().removed()).containsExactly(spareId);
    }
}
