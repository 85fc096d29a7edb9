package io.outpost.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.x) on 127.0.0.1, plain HTTP, storing under a
 * test's directory, as shared/reference/local-infrastructure.md runs it; images are pushed to it
 * with skopeo from {@link BusyboxImages#layout}. Skips (or fails under CI) naming a missing binary.
 *
 * <p>Thread model: one test thread starts and stops it; the registry is its own process.
 */
public final class LocalRegistry implements AutoCloseable {

    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry on a free loopback port and waits until it answers {@code /v2/}. */
    public static LocalRegistry start(Path work) throws IOException, InterruptedException {
        String binary = Prerequisites.requireBinary("docker-registry", "docker-registry");
        Prerequisites.requireBinary("skopeo", "skopeo");
        Files.createDirectories(work);
        for (int attempt = 0; ; attempt++) {
            int port = FreePorts.reserve(1).getFirst();
            Path config = work.resolve("registry.yml");
            Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + work.resolve("data")
                    + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
            Process p = new ProcessBuilder(binary, "serve", config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("registry.log").toFile())).start();
            LocalRegistry registry = new LocalRegistry(p, port);
            if (registry.awaitReady()) {
                return registry;
            }
            registry.close();
            if (attempt == 2) {
                throw new IOException("docker-registry did not answer on 127.0.0.1:" + port + "; see " + work.resolve("registry.log"));
            }
        }
    }

    private boolean awaitReady() throws InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < 100 && process.isAlive(); i++) {
                try {
                    int code = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (code == 200) {
                        return true;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
        }
        return false;
    }

    /** {@code 127.0.0.1:PORT}, as an image reference names the registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Pushes {@code layout:tag} (an OCI layout) as {@code 127.0.0.1:PORT/repository:tag}; answers that reference. */
    public String push(Path layout, String tag, String repository) throws IOException, InterruptedException {
        String reference = host() + "/" + repository + ":" + tag;
        BusyboxImages.run(Prerequisites.requireBinary("skopeo", "skopeo"), "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":" + tag, "docker://" + reference);
        return reference;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
