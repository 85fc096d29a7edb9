package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link RegistryConfig} as containerd's registry host directories ({@code config_path}, {@code
 * docs/hosts.md}, read by containerd 1.5+ at every pull): one {@code <registry>/hosts.toml} per
 * mirrored or configured registry, as k3s writes them from its {@code registries.yaml}:
 *
 * <ul>
 *   <li>a mirrored registry lists its endpoints as {@code [host."URL"]} entries with the pull and
 *       resolve capabilities, in the file's order, and keeps the registry itself ({@code server})
 *       as the last resort; an {@code http://} endpoint is plain HTTP;</li>
 *   <li>each endpoint, and the registry itself, carries the TLS settings of its host from {@code
 *       configs} ({@code skip_verify}, {@code ca}, {@code client});</li>
 *   <li>a registry only in {@code configs} gets a file with its TLS settings alone;</li>
 *   <li>the wildcard mirror {@code "*"} is containerd's {@code _default} directory.</li>
 * </ul>
 *
 * Credentials are not in hosts.toml (it has none): containerd 1.6/1.7's CRI plugin still reads
 * them from {@code registry.configs."HOST".auth} beside {@code config_path} (only {@code mirrors}
 * and {@code configs.tls} conflict with it), keyed by the host it is about to call; {@link
 * ContainerdConfig#renderToml()} writes them there.
 *
 * <p>Thread model: pure functions, apart from {@link #write}, called once at containerd's start.
 */
final class RegistryHosts {

    private RegistryHosts() {
    }

    /** Directory name under {@code config_path} → its {@code hosts.toml}. */
    static Map<String, String> render(RegistryConfig config) {
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, RegistryConfig.Mirror> m : config.mirrors().entrySet()) {
            String registry = m.getKey();
            boolean wildcard = registry.equals(RegistryConfig.WILDCARD);
            StringBuilder b = new StringBuilder(header());
            if (!wildcard) {
                // the registry itself after its mirrors, as containerd and k3s fall back to it
                String server = defaultServer(registry);
                b.append("server = ").append(q(server)).append('\n');
                appendTls(b, config.configs().get(registry), "");
            }
            for (URI endpoint : m.getValue().endpoints()) {
                b.append("\n[host.").append(q(endpoint.toString())).append("]\n");
                b.append("  capabilities = [\"pull\", \"resolve\"]\n");
                appendTls(b, config.configs().get(hostOf(endpoint)), "  ");
            }
            files.put(wildcard ? "_default" : registry, b.toString());
        }
        for (Map.Entry<String, RegistryConfig.HostConfig> c : config.configs().entrySet()) {
            if (files.containsKey(c.getKey()) || !c.getValue().tls().isSet()) {
                continue;
            }
            StringBuilder b = new StringBuilder(header());
            b.append("server = ").append(q(defaultServer(c.getKey()))).append('\n');
            appendTls(b, c.getValue(), "");
            files.put(c.getKey(), b.toString());
        }
        return files;
    }

    /** Replaces everything under {@code dir} with the files of {@code config}. */
    static void write(Path dir, RegistryConfig config) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : render(config).entrySet()) {
            Path host = Files.createDirectories(dir.resolve(f.getKey()));
            Files.writeString(host.resolve("hosts.toml"), f.getValue());
        }
    }

    /** containerd's default for a registry with no {@code server}: Docker Hub's API host, or https://HOST. */
    static String defaultServer(String registry) {
        return registry.equals("docker.io") ? "https://registry-1.docker.io" : "https://" + registry;
    }

    /** host[:port] of an endpoint, as {@code configs} keys it. */
    static String hostOf(URI endpoint) {
        return endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    private static void appendTls(StringBuilder b, RegistryConfig.HostConfig host, String indent) {
        if (host == null) {
            return;
        }
        RegistryConfig.Tls tls = host.tls();
        if (tls.insecureSkipVerify()) {
            b.append(indent).append("skip_verify = true\n");
        }
        if (!tls.caFile().isEmpty()) {
            b.append(indent).append("ca = ").append(q(tls.caFile())).append('\n');
        }
        if (!tls.certFile().isEmpty()) {
            b.append(indent).append("client = [[").append(q(tls.certFile())).append(", ").append(q(tls.keyFile())).append("]]\n");
        }
    }

    private static String header() {
        return "# Generated by the Outpost agent from its registries.yaml; rewritten at every start.\n";
    }

    /** A TOML basic string. */
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
