package io.outpost.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Container images built offline from Debian's busybox-static with umoci and skopeo (no registry
 * is reachable here): {@code docker.io/local/busybox:latest} and the pause image
 * {@code docker.io/local/pause:1}, as docker archives ready for {@code ctr images import} (the
 * agent's {@code ImageImport}). The recipe is shared/reference/local-infrastructure.md's. Shared by
 * the containerd runtime's system tests (agent) and the agent's ({@code AgentContainerdIT}, cli).
 */
public final class BusyboxImages {

    public static final String BUSYBOX = "docker.io/local/busybox:latest";
    public static final String PAUSE = "docker.io/local/pause:1";
    private static final List<String> APPLETS = List.of("sh", "echo", "sleep", "ls", "cat", "true", "head", "tr", "id", "hostname", "httpd", "touch");

    public final Path busyboxArchive;
    public final Path pauseArchive;
    /** The OCI layout holding {@code :latest} (busybox) and {@code :pause}, for skopeo pushes. */
    public final Path layout;

    private BusyboxImages(Path busyboxArchive, Path pauseArchive, Path layout) {
        this.busyboxArchive = busyboxArchive;
        this.pauseArchive = pauseArchive;
        this.layout = layout;
    }

    /** Builds both images under {@code work}; skips (or fails under CI) naming a missing tool. */
    public static BusyboxImages build(Path work) throws IOException, InterruptedException {
        String umoci = Prerequisites.requireBinary("umoci", "umoci");
        String skopeo = Prerequisites.requireBinary("skopeo", "skopeo");
        Path busybox = Path.of("/bin/busybox");
        Prerequisites.require(Files.isExecutable(busybox), "/bin/busybox is missing; install it with: apt-get install -y busybox-static");
        String layout = work.resolve("oci").toString();
        Path bundle = work.resolve("bundle");
        run(umoci, "init", "--layout", layout);
        run(umoci, "new", "--image", layout + ":base");
        run(umoci, "unpack", "--image", layout + ":base", bundle.toString());
        Path bin = bundle.resolve("rootfs").resolve("bin");
        Files.createDirectories(bin);
        Files.copy(busybox, bin.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(bundle.resolve("rootfs").resolve("tmp"));
        run(umoci, "repack", "--image", layout + ":base", bundle.toString());
        run(umoci, "config", "--image", layout + ":base", "--config.cmd", "/bin/sh", "--config.env", "PATH=/bin",
                "--os", "linux", "--architecture", "amd64", "--tag", "latest");
        run(umoci, "config", "--image", layout + ":latest", "--config.cmd", "/bin/sleep", "--config.cmd", "1000000000",
                "--tag", "pause");
        Path busyboxTar = work.resolve("busybox.tar");
        Path pauseTar = work.resolve("pause.tar");
        run(skopeo, "copy", "oci:" + layout + ":latest", "docker-archive:" + busyboxTar + ":local/busybox:latest");
        run(skopeo, "copy", "oci:" + layout + ":pause", "docker-archive:" + pauseTar + ":local/pause:1");
        return new BusyboxImages(busyboxTar, pauseTar, Path.of(layout));
    }

    /**
     * The busybox image again, as a docker archive at {@code archive} naming it {@code name}
     * ({@code local/imported:1}, which containerd lists as {@code docker.io/local/imported:1}).
     */
    public Path archiveAs(Path archive, String name) throws IOException, InterruptedException {
        run(Prerequisites.requireBinary("skopeo", "skopeo"), "copy", "oci:" + layout + ":latest", "docker-archive:" + archive + ":" + name);
        return archive;
    }

    /**
     * The busybox image with {@code files} added (a path in the image → its content), tagged
     * {@code tag} in {@link #layout}: two variants with different files are two images, e.g. the
     * versions of a web site a rolling update goes through. Push one with {@link LocalRegistry#push}.
     */
    public String variant(String tag, java.util.Map<String, String> files) throws IOException, InterruptedException {
        String umoci = Prerequisites.requireBinary("umoci", "umoci");
        Path bundle = layout.resolveSibling("bundle-" + tag);
        run(umoci, "unpack", "--image", layout + ":latest", bundle.toString());
        for (var f : files.entrySet()) {
            Path target = bundle.resolve("rootfs").resolve(f.getKey().replaceFirst("^/+", ""));
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue());
        }
        run(umoci, "repack", "--image", layout + ":" + tag, bundle.toString());
        return tag;
    }

    public static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
