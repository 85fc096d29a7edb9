package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.outpost.testing.Prerequisites;

/**
 * Real kubectl binaries for system tests: {@code kubectl.1.27} and {@code kubectl.1.33}, the oldest
 * and newest we support, found beside the {@code kubectl} on the PATH, run against a kubeconfig
 * with a HOME of their own per version (so their discovery caches do not mix).
 *
 * <p>{@link #find} skips the test locally, and fails it under CI, when they are missing.
 */
final class Kubectl {

    /** The versions every kubectl test runs with. */
    static final List<String> VERSIONS = List.of("1.27", "1.33");

    record Run(int exitCode, String out, String err) {
    }

    private final Path bin;
    private final Path dir;
    private final Path kubeconfig;

    private Kubectl(Path bin, Path dir, Path kubeconfig) {
        this.bin = bin;
        this.dir = dir;
        this.kubeconfig = kubeconfig;
    }

    /**
     * @param dir        where outputs, manifests and the per-version HOMEs go
     * @param kubeconfig the server's kubeconfig
     */
    static Kubectl find(Path dir, Path kubeconfig) throws Exception {
        String kubectl = Prerequisites.requireBinary("kubectl", "the gcloud SDK's kubectl component");
        Path bin = Path.of(kubectl).toRealPath().getParent();
        for (String version : VERSIONS) {
            Prerequisites.require(Files.isExecutable(bin.resolve("kubectl." + version)),
                    "kubectl." + version + " is not next to " + bin.resolve("kubectl"));
        }
        return new Kubectl(bin, dir, kubeconfig);
    }

    /** The process for {@code kubectl.VERSION ARGS}, stdin from /dev/null, for tests that stream. */
    ProcessBuilder command(String version, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.resolve("kubectl." + version).toString(),
                "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("HOME", Files.createDirectories(dir.resolve("home-" + version)).toString());
        return pb;
    }

    /** Runs kubectl to its end (at most two minutes) and gives its exit code and output. */
    Run run(String version, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = command(version, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl %s ends", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** As {@link #run}, asserting that it succeeded; a failure shows kubectl's output and errors. */
    Run ok(String version, String... args) throws Exception {
        Run run = run(version, args);
        assertThat(run.exitCode()).as("kubectl %s: %s %s", String.join(" ", args), run.out(), run.err()).isZero();
        return run;
    }

    /** Writes a manifest into the test's folder. */
    Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
