package io.outpost.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {

    @TempDir
    Path dir;

    @Test
    void aContainerRecordSurvivesTheRoundTripWithOrderAndAwkwardCharacters() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Z", "last=first\nline two");
        env.put("A", "ünïcödé = #!: \\");
        ContainerConfig config = new ContainerConfig("main", 3, "busybox:1.36", List.of("sh", "-c"), List.of("echo 'hi' # not a comment"),
                "/w", env, List.of(new Mount(Path.of("/v/a"), "/etc/a", true)), new Resources(500, 250, 64 << 20),
                Path.of("/logs/0.log"), Map.of("io.kubernetes.pod.uid", "u-1"));
        ContainerRecord r = new ContainerRecord("c1", "s1", config, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01.5Z"), null, 4242, 987654, "boot", 0, "", "", true);
        Path f = dir.resolve("record.properties");
        r.save(f);
        ContainerRecord back = ContainerRecord.load(f);
        assertThat(back).isEqualTo(r);
        assertThat(back.config().env().keySet()).containsExactly("Z", "A");
    }

    @Test
    void aSandboxRecordSurvivesTheRoundTrip() throws Exception {
        ContainerRecord.Sandbox s = new ContainerRecord.Sandbox("s1", new SandboxConfig("web", "ns", "u-1", 2, Path.of("/logs/ns_web_u-1"),
                true, Map.of("io.kubernetes.pod.uid", "u-1")), false, Instant.parse("2026-01-01T00:00:00Z"));
        Path f = dir.resolve("s1.properties");
        s.save(f);
        assertThat(ContainerRecord.Sandbox.load(f)).isEqualTo(s);
    }
}
