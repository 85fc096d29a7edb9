package io.outpost.agent.node;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What the node status says about the host, read from {@code /proc}, {@code /etc} and the JVM.
 * Architecture names are Go's ({@code GOARCH}), as {@code kubernetes.io/arch} expects.
 *
 * <p>Thread model: static reads of the host, any thread; nothing is cached.
 */
public final class HostInfo {

    private HostInfo() {
    }

    /** {@code amd64}, {@code arm64}, {@code arm}, ... from the JVM's {@code os.arch}. */
    public static String goArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm", "armv7l", "armv7", "armhf", "armv6l" -> "arm";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
    }

    public static String arch() {
        return goArch(System.getProperty("os.arch"));
    }

    public static String kernelVersion() {
        return read(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version"));
    }

    /** {@code PRETTY_NAME} of {@code /etc/os-release}, as kubelet's {@code osImage}. */
    public static String osImage(Path osRelease) {
        try {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replaceAll("^\"|\"$", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "Unknown";
    }

    public static String machineId() {
        return read(Path.of("/etc/machine-id")).orElse("");
    }

    public static String bootId() {
        return read(Path.of("/proc/sys/kernel/random/boot_id")).orElse("");
    }

    public static String hostname() {
        return read(Path.of("/proc/sys/kernel/hostname")).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        });
    }

    /**
     * The address this host reaches {@code host:port} from: the node's InternalIP. A UDP socket
     * "connected" to the server sends nothing but makes the kernel choose the route and source
     * address; with no route (cut off at start), the host's own address.
     */
    public static String internalIpTowards(String host, int port) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(host, port));
            InetAddress local = probe.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local.getHostAddress();
            }
        } catch (SocketException | IllegalArgumentException | SecurityException e) {
            // below
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }

    /** Processes running now and the kernel's pid limit, for PIDPressure. */
    static long processCount() {
        try (var s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    static long pidMax() {
        return read(Path.of("/proc/sys/kernel/pid_max")).map(Long::parseLong).orElse(32768L);
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
