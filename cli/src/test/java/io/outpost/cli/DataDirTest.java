package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingDataDirIsCreatedWithItsParentsOnlyForItsOwner() throws IOException {
        Path dir = tmp.resolve("a/b/outpost");

        DataDir.prepare(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a")))).isEqualTo("rwx------");
    }

    @Test
    void anExistingDataDirKeepsItsPermissions() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));

        DataDir.prepare(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-x---");
    }

    @Test
    void aFileIsNotADataDir() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");

        assertThatThrownBy(() -> DataDir.prepare(file)).isInstanceOf(DataDir.Unusable.class)
                .hasMessage("cannot create it: " + file + ": it is a file, not a folder");
    }

    @Test
    void aTildeIsTheHomeFolder() {
        Path home = Path.of("/home/ada");

        assertThat(DataDir.fromFlag("~", home)).isEqualTo(home);
        assertThat(DataDir.fromFlag("~/x/y", home)).isEqualTo(home.resolve("x/y"));
        assertThat(DataDir.fromFlag("/srv/~x", home)).isEqualTo(Path.of("/srv/~x"));
    }
}
