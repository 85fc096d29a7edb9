package io.outpost.agent.runtime.containerd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The sandbox ("pause") image the agent gives its managed containerd, made offline with no tool
 * and no registry: a docker archive of one layer holding {@code /pause}, a static Linux
 * executable of a few instructions that sleeps until it is killed, for the host's architecture
 * (amd64 or arm64). The archive is imported with containerd's {@code ctr} as any image is
 * ({@link ImageImport}), so a node with only Debian's containerd runs pods out of the box.
 *
 * <p>Why this is enough: a pod sandbox's container only holds the pod's namespaces. kubelet's
 * pause also reaps zombies when the pod shares one PID namespace and exits on SIGINT/SIGTERM;
 * here every container has its own PID namespace (CRI {@code NamespaceMode.CONTAINER}, as
 * {@link CriMapping} sets it), and containerd stops a sandbox container with SIGKILL, so neither
 * is needed. Its name is under the reserved {@code .invalid} domain (RFC 2606): if it were ever
 * missing, containerd could not pull some stranger's image of the same name.
 *
 * <p>Every byte is fixed (no timestamps), so the image's digest is the same on every node and at
 * every start, and importing it again is a no-op.
 *
 * <p>Thread model: pure functions; {@link #write} writes one file on the caller's thread.
 */
public final class PauseImage {

    /** The managed containerd's sandbox image. */
    public static final String NAME = "outpost.invalid/pause:1";

    private PauseImage() {
    }

    /**
     * The architecture as OCI names it ({@code amd64}, {@code arm64}) from the JVM's {@code
     * os.arch}, if a pause binary exists for it.
     */
    public static Optional<String> architecture(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of("amd64");
            case "aarch64", "arm64" -> Optional.of("arm64");
            default -> Optional.empty();
        };
    }

    /**
     * The pause program as a static ELF64 executable: one program header loading the whole file
     * at 0x400000, entry right after the headers.
     */
    static byte[] executable(String architecture) {
        byte[] code;
        int machine;
        switch (architecture) {
            case "amd64" -> {
                machine = 0x3E; // EM_X86_64
                code = new byte[] {
                        (byte) 0xB8, 0x22, 0x00, 0x00, 0x00, // mov eax, 34 (pause)
                        0x0F, 0x05,                          // syscall
                        (byte) 0xEB, (byte) 0xF7             // jmp back to the mov
                };
            }
            case "arm64" -> {
                machine = 0xB7; // EM_AARCH64
                // ppoll(NULL, 0, NULL, NULL) blocks until a signal: aarch64 has no pause syscall.
                int[] words = {
                        0xD2800928, // mov x8, #73 (ppoll)
                        0xD2800000, // mov x0, #0
                        0xD2800001, // mov x1, #0
                        0xD2800002, // mov x2, #0
                        0xD2800003, // mov x3, #0
                        0xD4000001, // svc #0
                        0x17FFFFFA  // b back to the first mov
                };
                ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int w : words) {
                    b.putInt(w);
                }
                code = b.array();
            }
            default -> throw new IllegalArgumentException("no pause binary for architecture " + architecture);
        }
        long base = 0x400000;
        int headers = 64 + 56;
        int size = headers + code.length;
        ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // 64-bit, little endian, SysV
        elf.putShort((short) 2);          // ET_EXEC
        elf.putShort((short) machine);
        elf.putInt(1);                    // EV_CURRENT
        elf.putLong(base + headers);      // entry
        elf.putLong(64);                  // program headers right after this header
        elf.putLong(0);                   // no section headers
        elf.putInt(0);                    // flags
        elf.putShort((short) 64);         // this header's size
        elf.putShort((short) 56);         // one program header's size
        elf.putShort((short) 1);          // one program header
        elf.putShort((short) 64);         // section header size (none present)
        elf.putShort((short) 0);
        elf.putShort((short) 0);
        elf.putInt(1);                    // PT_LOAD
        elf.putInt(5);                    // R + X
        elf.putLong(0);                   // from the file's start
        elf.putLong(base);                // vaddr
        elf.putLong(base);                // paddr
        elf.putLong(size);                // in the file
        elf.putLong(size);                // in memory
        elf.putLong(0x1000);              // alignment
        elf.put(code);
        return elf.array();
    }

    /**
     * The image as a docker archive ({@code docker save}'s layout: {@code manifest.json}, the
     * config, one uncompressed layer), named {@link #NAME}.
     */
    static byte[] dockerArchive(String architecture) {
        byte[] layer = tar(new Entry("pause", 0755, executable(architecture)));
        String diffId = "sha256:" + sha256(layer);
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/pause\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
                + "\"history\":[{\"created_by\":\"the Outpost agent: a static pause program\"}]}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configName = sha256(configBytes) + ".json";
        String layerName = sha256(layer) + "/layer.tar";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + NAME + "\"],\"Layers\":[\"" + layerName + "\"]}]";
        return tar(new Entry(configName, 0644, configBytes), new Entry(layerName, 0644, layer),
                new Entry("manifest.json", 0644, manifest.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the archive for {@code architecture} to {@code file}. */
    static Path write(Path file, String architecture) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, dockerArchive(architecture));
        return file;
    }

    record Entry(String name, int mode, byte[] content) {
    }

    /** A POSIX ustar archive of regular files, owned by root, dated the epoch. */
    static byte[] tar(Entry... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] header = new byte[512];
            put(header, 0, e.name(), 100);
            put(header, 100, octal(e.mode(), 7), 8);
            put(header, 108, octal(0, 7), 8);
            put(header, 116, octal(0, 7), 8);
            put(header, 124, octal(e.content().length, 11), 12);
            put(header, 136, octal(0, 11), 12);
            header[156] = '0';
            put(header, 257, "ustar", 6);
            put(header, 263, "00", 2);
            put(header, 265, "root", 32);
            put(header, 297, "root", 32);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xFF;
            }
            put(header, 148, octal(sum, 6), 7);
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(e.content());
            out.writeBytes(new byte[(512 - e.content().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    private static void put(byte[] header, int offset, String value, int width) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > width) {
            throw new IllegalArgumentException(value + " does not fit a tar header field of " + width);
        }
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
