package io.outpost.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogWriterTest {

    @TempDir
    Path dir;

    @Test
    void linesAreWrittenInTheCriFormat() throws Exception {
        FakeClock clock = new FakeClock();
        Path log = dir.resolve("main/0.log");
        try (CriLogWriter w = new CriLogWriter(log, 1 << 20, 5, clock)) {
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            w.write("stdout", hello, 0, hello.length, false);
            w.write("stderr", hello, 0, 2, true);
        }
        assertThat(Files.readAllLines(log)).containsExactly("2026-01-01T00:00:00Z stdout F hello", "2026-01-01T00:00:00Z stderr P he");
    }

    @Test
    void theLogRotatesBySizeKeepingMaxFiles() throws Exception {
        FakeClock clock = new FakeClock();
        Path log = dir.resolve("0.log");
        byte[] line = "x".repeat(60).getBytes(StandardCharsets.UTF_8);
        try (CriLogWriter w = new CriLogWriter(log, 200, 3, clock)) {
            for (int i = 0; i < 20; i++) {
                clock.advance(Duration.ofSeconds(1));
                w.write("stdout", line, 0, line.length, false);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(3).contains("0.log")
                    .allMatch(n -> n.equals("0.log") || n.startsWith("0.log.2026"));
        }
        assertThat(Files.size(log)).isLessThanOrEqualTo(200);
    }
}
