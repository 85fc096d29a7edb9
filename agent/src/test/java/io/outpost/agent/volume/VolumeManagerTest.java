package io.outpost.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.outpost.agent.env.NodeAllocatable;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.testing.InMemoryDesiredState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeManagerTest {

    @TempDir
    Path dir;

    private final InMemoryDesiredState desired = new InMemoryDesiredState()
            .put(new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cfg").endMetadata()
                    .addToData("app.conf", "port=80").addToData("other", "x").build())
            .put(new SecretBuilder().withNewMetadata().withNamespace("ns").withName("tls").endMetadata()
                    .addToData("tls.key", Base64.getEncoder().encodeToString("KEY".getBytes(StandardCharsets.UTF_8))).build())
            .token("ns", "web", "eyJ.token");

    private VolumeManager manager() {
        return new VolumeManager(dir.resolve("pods"), desired, "10.0.0.1", new NodeAllocatable(2000, 1L << 30), true);
    }

    private Pod pod(Volume... volumes) {
        return new PodBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("u-1").addToLabels("app", "shop").endMetadata()
                .withNewSpec().withNodeName("edge-1").addToContainers(new ContainerBuilder().withName("main").build())
                .withVolumes(volumes).endSpec().build();
    }

    @Test
    void aConfigMapVolumeWithItemsProjectsOnlyThoseKeysWithTheirModesThroughDataSymlinks() throws Exception {
        Pod pod = pod(new VolumeBuilder().withName("conf").withNewConfigMap().withName("cfg").withDefaultMode(0640)
                .addNewItem().withKey("app.conf").withPath("etc/app.conf").withMode(0600).endItem().endConfigMap().build());
        Path vol = manager().setUp(pod).get("conf");

        assertThat(vol.resolve("etc/app.conf")).hasContent("port=80");
        assertThat(vol.resolve("other")).doesNotExist();
        assertThat(Files.isSymbolicLink(vol.resolve("etc"))).isTrue();
        assertThat(Files.readSymbolicLink(vol.resolve("..data")).toString()).startsWith("..");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vol.resolve("etc/app.conf")))).isEqualTo("rw-------");
    }

    @Test
    void anUpdatedConfigMapIsSwappedInAtomicallyAndAnUnchangedOneIsNotRewritten() throws Exception {
        Pod pod = pod(new VolumeBuilder().withName("conf").withNewConfigMap().withName("cfg").endConfigMap().build());
        VolumeManager m = manager();
        Path vol = m.setUp(pod).get("conf");
        Path first = Files.readSymbolicLink(vol.resolve("..data"));
        m.setUp(pod);
        assertThat(Files.readSymbolicLink(vol.resolve("..data"))).isEqualTo(first);

        desired.put(new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cfg").endMetadata()
                .addToData("app.conf", "port=8080").build());
        m.setUp(pod);
        assertThat(Files.readSymbolicLink(vol.resolve("..data"))).isNotEqualTo(first);
        assertThat(vol.resolve("app.conf")).hasContent("port=8080");
        assertThat(vol.resolve("other")).doesNotExist();
        assertThat(vol.resolve(first)).doesNotExist();
    }

    @Test
    void secretDownwardApiAndProjectedVolumes() throws Exception {
        Pod pod = pod(
                new VolumeBuilder().withName("tls").withNewSecret().withSecretName("tls").endSecret().build(),
                new VolumeBuilder().withName("info").withNewDownwardAPI().addNewItem().withPath("labels").withNewFieldRef()
                        .withFieldPath("metadata.labels").endFieldRef().endItem()
                        .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
                        .endDownwardAPI().build(),
                new VolumeBuilder().withName("kube-api-access").withNewProjected()
                        .addNewSource().withNewServiceAccountToken().withPath("token").endServiceAccountToken().endSource()
                        .addNewSource().withNewConfigMap().withName("cfg").addNewItem().withKey("other").withPath("ca.crt").endItem().endConfigMap().endSource()
                        .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef().withFieldPath("metadata.namespace")
                        .endFieldRef().endItem().endDownwardAPI().endSource()
                        .endProjected().build());
        Map<String, Path> vols = manager().setUp(pod);
        assertThat(vols.get("tls").resolve("tls.key")).hasContent("KEY");
        assertThat(vols.get("info").resolve("labels")).hasContent("app=\"shop\"");
        assertThat(vols.get("info").resolve("name")).hasContent("web");
        assertThat(vols.get("kube-api-access").resolve("token")).hasContent("eyJ.token");
        assertThat(vols.get("kube-api-access").resolve("ca.crt")).hasContent("x");
        assertThat(vols.get("kube-api-access").resolve("namespace")).hasContent("ns");
    }

    @Test
    void missingSourcesFailUnlessOptionalAndUnsupportedTypesSaySo() throws Exception {
        assertThatThrownBy(() -> manager().setUp(pod(new VolumeBuilder().withName("c").withNewConfigMap().withName("absent").endConfigMap().build())))
                .isInstanceOf(VolumeError.class).hasMessage("volume \"c\": configmap \"absent\" not found");
        assertThatThrownBy(() -> manager().setUp(pod(new VolumeBuilder().withName("c").withNewConfigMap().withName("cfg")
                .addNewItem().withKey("nope").withPath("p").endItem().endConfigMap().build())))
                .hasMessageContaining("references non-existent key: nope");
        Path empty = manager().setUp(pod(new VolumeBuilder().withName("c").withNewSecret().withSecretName("absent").withOptional(true)
                .endSecret().build())).get("c");
        assertThat(empty.resolve("..data")).isDirectory();
        assertThatThrownBy(() -> manager().setUp(pod(new VolumeBuilder().withName("pvc").withNewPersistentVolumeClaim().withClaimName("x")
                .endPersistentVolumeClaim().build()))).hasMessageContaining("not supported");
    }

    @Test
    void emptyDirAndHostPathAreDirectoriesAndMountsHonourSubPath() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        Pod pod = new PodBuilder(pod(new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("data").withNewHostPath().withPath(host.resolve("made").toString()).withType("DirectoryOrCreate")
                        .endHostPath().build())).build();
        VolumeManager m = manager();
        Map<String, Path> vols = m.setUp(pod);
        assertThat(vols.get("scratch")).isDirectory().startsWith(dir.resolve("pods/u-1/volumes/kubernetes.io~empty-dir"));
        assertThat(vols.get("data")).isDirectory().isEqualTo(host.resolve("made"));

        var container = new ContainerBuilder().withName("main")
                .addNewVolumeMount().withName("scratch").withMountPath("/tmp/scratch").withSubPath("sub").endVolumeMount()
                .addNewVolumeMount().withName("data").withMountPath("/data").withReadOnly(true).endVolumeMount().build();
        List<Mount> mounts = m.mounts(container, vols);
        assertThat(mounts).containsExactly(new Mount(vols.get("scratch").resolve("sub"), "/tmp/scratch", false),
                new Mount(host.resolve("made"), "/data", true));
        assertThat(vols.get("scratch").resolve("sub")).isDirectory();

        assertThatThrownBy(() -> m.setUp(pod(new VolumeBuilder().withName("f").withNewHostPath().withPath(host.resolve("absent").toString())
                .withType("File").endHostPath().build()))).hasMessageContaining("is not a file");

        m.tearDown("u-1");
        assertThat(dir.resolve("pods/u-1")).doesNotExist();
        assertThat(host.resolve("made")).isDirectory();
    }
}
