package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PauseImageTest {

    record Arch(String name, String osArch, int machine) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arch> architectures() {
        return Stream.of(new Arch("amd64 (x86_64) gets an EM_X86_64 executable", "amd64", 0x3E),
                new Arch("arm64 (aarch64) gets an EM_AARCH64 executable", "aarch64", 0xB7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void the_pause_program_is_a_static_elf_whose_entry_is_inside_its_one_loaded_segment(Arch a) {
        String arch = PauseImage.architecture(a.osArch()).orElseThrow();
        ByteBuffer elf = ByteBuffer.wrap(PauseImage.executable(arch)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(elf.getInt(0)).isEqualTo(0x464C457F); // \x7fELF
        assertThat(elf.get(4)).as("64-bit").isEqualTo((byte) 2);
        assertThat(elf.getShort(16)).as("ET_EXEC").isEqualTo((short) 2);
        assertThat(elf.getShort(18) & 0xFFFF).isEqualTo(a.machine());
        long entry = elf.getLong(24);
        long vaddr = elf.getLong(64 + 16);
        long memsz = elf.getLong(64 + 40);
        assertThat(elf.getInt(64)).as("PT_LOAD").isEqualTo(1);
        assertThat(entry).isBetween(vaddr + 120, vaddr + memsz - 1);
        assertThat(memsz).isEqualTo(elf.capacity());
    }

    @Test
    void an_architecture_with_no_pause_program_is_empty() {
        assertThat(PauseImage.architecture("riscv64")).isEqualTo(Optional.empty());
        assertThat(PauseImage.architecture("x86_64")).contains("amd64");
    }

    @Test
    void the_archive_is_docker_saves_layout_and_the_same_bytes_every_time() {
        byte[] archive = PauseImage.dockerArchive("amd64");
        assertThat(archive).isEqualTo(PauseImage.dockerArchive("amd64"));
        Map<String, byte[]> files = untar(archive);
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"RepoTags\":[\"" + PauseImage.NAME + "\"]");
        String layerName = files.keySet().stream().filter(n -> n.endsWith("/layer.tar")).findFirst().orElseThrow();
        byte[] layer = files.get(layerName);
        assertThat(layerName).isEqualTo(PauseImage.sha256(layer) + "/layer.tar");
        String configName = files.keySet().stream().filter(n -> n.endsWith(".json") && !n.equals("manifest.json")).findFirst().orElseThrow();
        String config = new String(files.get(configName), StandardCharsets.UTF_8);
        assertThat(config).contains("\"architecture\":\"amd64\"", "\"Entrypoint\":[\"/pause\"]",
                "\"diff_ids\":[\"sha256:" + PauseImage.sha256(layer) + "\"]");
        assertThat(untar(layer)).containsOnlyKeys("pause");
        assertThat(untar(layer).get("pause")).isEqualTo(PauseImage.executable("amd64"));
    }

    @Test
    void on_amd64_the_program_runs_and_sleeps_until_killed(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PauseImage.architecture(System.getProperty("os.arch")).equals(Optional.of("amd64")),
                "runs the amd64 program on an amd64 host only");
        Path pause = dir.resolve("pause");
        Files.write(pause, PauseImage.executable("amd64"));
        assertThat(pause.toFile().setExecutable(true)).isTrue();
        Process p = new ProcessBuilder(pause.toString()).start();
        try {
            assertThat(p.waitFor(500, TimeUnit.MILLISECONDS)).as("still sleeping").isFalse();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }

    /** Reads a ustar archive of regular files, checking each header's checksum. */
    private static Map<String, byte[]> untar(byte[] tar) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = new String(tar, at, 100, StandardCharsets.US_ASCII).replaceAll("\u0000.*", "");
            int size = Integer.parseInt(new String(tar, at + 124, 11, StandardCharsets.US_ASCII), 8);
            int checksum = Integer.parseInt(new String(tar, at + 148, 6, StandardCharsets.US_ASCII), 8);
            int sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : tar[at + i] & 0xFF;
            }
            assertThat(sum).as("checksum of %s", name).isEqualTo(checksum);
            byte[] content = new byte[size];
            System.arraycopy(tar, at + 512, content, 0, size);
            files.put(name, content);
            at += 512 + (size + 511) / 512 * 512;
        }
        return files;
    }
}
