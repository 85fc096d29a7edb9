package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code outpost images import}'s bad input: each mistake is a usage error (exit 2) naming the
 * file or flag and the fix, before containerd is asked anything. The import itself runs against a
 * real containerd in {@code AgentContainerdIT}.
 */
class ImagesCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingArchiveIsNamedWithTheFix() {
        Path missing = dir.resolve("app.tar");
        Cli run = Cli.run("images", "import", "--data-dir", dir.toString(), missing.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("FILE.tar " + missing + " is not a file", "Fix: give the path of an OCI or docker image archive");
    }

    @Test
    void aDataDirWithNoContainerdNamesTheFlagAndTheFix() throws Exception {
        Path archive = Files.writeString(dir.resolve("app.tar"), "not really a tar");
        Cli run = Cli.run("images", "import", "--data-dir", dir.resolve("agent-data").toString(), archive.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("--data-dir " + dir.resolve("agent-data") + ": no containerd socket at "
                + dir.resolve("agent-data/containerd/containerd.sock"), "Fix: start the agent with --runtime containerd first");
    }

    @Test
    void aServersDataDirLeadsToItsLocalAgentsContainerd() throws Exception {
        Path socket = Files.createDirectories(dir.resolve("agent/containerd")).resolve("containerd.sock");
        Files.createFile(socket);

        assertThat(ImagesCommand.Import.socketUnder(dir)).isEqualTo(socket);
        assertThat(ImagesCommand.Import.socketUnder(dir.resolve("agent"))).isEqualTo(socket);
    }

    @Test
    void withoutASubcommandItSaysWhichExist() {
        Cli run = Cli.run("images");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(List.of("a subcommand is required: import"));
    }
}
