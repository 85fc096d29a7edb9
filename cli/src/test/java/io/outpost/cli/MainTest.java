package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheRolesThatWorkAndNoOthers() {
        Cli cli = Cli.run("--help");

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).contains("Usage: outpost", "Commands:", "server", "agent", "token", "images", "help");
        assertThat(cli.out()).doesNotContain("sim ");
    }

    @Test
    void versionNamesOutpostsVersionAndTheJvm() {
        Cli cli = Cli.run("--version");

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).containsPattern("outpost \\d+\\.\\d+\\.\\d+").contains("java " + Runtime.version().feature());
    }

    @Test
    void noCommandIsBadInputThatSaysWhatToType() {
        Cli cli = Cli.run();

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("a command is required, e.g. outpost server", "Run 'outpost --help'");
    }

    @Test
    void aMisspelledCommandGetsASuggestion() {
        Cli cli = Cli.run("servr");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("'servr'", "Did you mean: outpost server?");
    }

    @Test
    void helpOfTheServerShowsEachFlagWithItsEnvironmentVariable() {
        Cli cli = Cli.run("server", "--help");

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).contains("--data-dir=DIR", "OUTPOST_DATA_DIR", "--datastore=STORE", "OUTPOST_DATASTORE");
    }
}
