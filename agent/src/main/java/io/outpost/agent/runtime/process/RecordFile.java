package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;

/**
 * The process runtime's records on disk, as {@code java.util.Properties} files (lists and maps as
 * indexed keys: {@code command.0}, {@code env.1.name}). Not JSON: Jackson's databind costs about
 * 27 MB of resident memory in a small JVM (measured, see {@code PodManagerFootprint}), more than
 * the whole pod manager, and these records need nothing it offers. Written to a temporary file and
 * renamed, so a crash leaves the old record or the new one, never half of one.
 */
final class RecordFile {

    private RecordFile() {
    }

    static void save(Path file, ContainerRecord r) throws IOException {
        Properties p = new Properties();
        p.setProperty("id", r.id());
        p.setProperty("sandboxId", r.sandboxId());
        putConfig(p, r.config());
        p.setProperty("createdAt", r.createdAt().toString());
        putInstant(p, "startedAt", r.startedAt());
        putInstant(p, "finishedAt", r.finishedAt());
        p.setProperty("pid", Long.toString(r.pid()));
        p.setProperty("pidStartTicks", Long.toString(r.pidStartTicks()));
        p.setProperty("bootId", r.bootId());
        p.setProperty("exitCode", Integer.toString(r.exitCode()));
        p.setProperty("reason", r.reason());
        p.setProperty("message", r.message());
        p.setProperty("stopRequested", Boolean.toString(r.stopRequested()));
        write(file, p);
    }

    static ContainerRecord loadContainer(Path file) throws IOException {
        Properties p = read(file);
        return new ContainerRecord(p.getProperty("id"), p.getProperty("sandboxId"), config(p), Instant.parse(p.getProperty("createdAt")),
                instant(p, "startedAt"), instant(p, "finishedAt"), Long.parseLong(p.getProperty("pid", "0")),
                Long.parseLong(p.getProperty("pidStartTicks", "0")), p.getProperty("bootId", ""),
                Integer.parseInt(p.getProperty("exitCode", "0")), p.getProperty("reason", ""), p.getProperty("message", ""),
                Boolean.parseBoolean(p.getProperty("stopRequested", "false")));
    }

    static void save(Path file, ContainerRecord.Sandbox s) throws IOException {
        Properties p = new Properties();
        p.setProperty("id", s.id());
        SandboxConfig c = s.config();
        p.setProperty("name", c.name());
        p.setProperty("namespace", c.namespace());
        p.setProperty("uid", c.uid());
        p.setProperty("attempt", Integer.toString(c.attempt()));
        p.setProperty("logDirectory", c.logDirectory().toString());
        p.setProperty("hostNetwork", Boolean.toString(c.hostNetwork()));
        putMap(p, "label", c.labels());
        p.setProperty("ready", Boolean.toString(s.ready()));
        p.setProperty("createdAt", s.createdAt().toString());
        write(file, p);
    }

    static ContainerRecord.Sandbox loadSandbox(Path file) throws IOException {
        Properties p = read(file);
        SandboxConfig c = new SandboxConfig(p.getProperty("name"), p.getProperty("namespace"), p.getProperty("uid"),
                Integer.parseInt(p.getProperty("attempt", "0")), Path.of(p.getProperty("logDirectory")),
                Boolean.parseBoolean(p.getProperty("hostNetwork", "true")), map(p, "label"));
        return new ContainerRecord.Sandbox(p.getProperty("id"), c, Boolean.parseBoolean(p.getProperty("ready")),
                Instant.parse(p.getProperty("createdAt")));
    }

    private static void putConfig(Properties p, ContainerConfig c) {
        p.setProperty("name", c.name());
        p.setProperty("attempt", Integer.toString(c.attempt()));
        p.setProperty("image", c.image());
        putList(p, "command", c.command());
        putList(p, "args", c.args());
        p.setProperty("workingDir", c.workingDir());
        putMap(p, "env", c.env());
        for (int i = 0; i < c.mounts().size(); i++) {
            Mount m = c.mounts().get(i);
            p.setProperty("mount." + i + ".hostPath", m.hostPath().toString());
            p.setProperty("mount." + i + ".containerPath", m.containerPath());
            p.setProperty("mount." + i + ".readOnly", Boolean.toString(m.readOnly()));
        }
        p.setProperty("cpuMillisLimit", Long.toString(c.resources().cpuMillisLimit()));
        p.setProperty("cpuMillisRequest", Long.toString(c.resources().cpuMillisRequest()));
        p.setProperty("memoryLimitBytes", Long.toString(c.resources().memoryLimitBytes()));
        p.setProperty("logPath", c.logPath().toString());
        putMap(p, "label", c.labels());
    }

    private static ContainerConfig config(Properties p) {
        List<Mount> mounts = new ArrayList<>();
        for (int i = 0; p.containsKey("mount." + i + ".hostPath"); i++) {
            mounts.add(new Mount(Path.of(p.getProperty("mount." + i + ".hostPath")), p.getProperty("mount." + i + ".containerPath"),
                    Boolean.parseBoolean(p.getProperty("mount." + i + ".readOnly"))));
        }
        Resources res = new Resources(Long.parseLong(p.getProperty("cpuMillisLimit", "0")), Long.parseLong(p.getProperty("cpuMillisRequest", "0")),
                Long.parseLong(p.getProperty("memoryLimitBytes", "0")));
        return new ContainerConfig(p.getProperty("name"), Integer.parseInt(p.getProperty("attempt", "0")), p.getProperty("image", ""),
                list(p, "command"), list(p, "args"), p.getProperty("workingDir", ""), map(p, "env"), mounts, res,
                Path.of(p.getProperty("logPath")), map(p, "label"));
    }

    private static void putInstant(Properties p, String key, Instant t) {
        if (t != null) {
            p.setProperty(key, t.toString());
        }
    }

    private static Instant instant(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? null : Instant.parse(v);
    }

    private static void putList(Properties p, String key, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(key + "." + i, values.get(i));
        }
    }

    private static List<String> list(Properties p, String key) {
        List<String> out = new ArrayList<>();
        for (int i = 0; p.containsKey(key + "." + i); i++) {
            out.add(p.getProperty(key + "." + i));
        }
        return out;
    }

    /** An ordered map: {@code key.i.name} and {@code key.i.value}. */
    private static void putMap(Properties p, String key, Map<String, String> map) {
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            p.setProperty(key + "." + i + ".name", e.getKey());
            p.setProperty(key + "." + i + ".value", e.getValue());
            i++;
        }
    }

    private static Map<String, String> map(Properties p, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; p.containsKey(key + "." + i + ".name"); i++) {
            out.put(p.getProperty(key + "." + i + ".name"), p.getProperty(key + "." + i + ".value", ""));
        }
        return out;
    }

    private static void write(Path file, Properties p) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (!p.containsKey("id")) {
            throw new IOException(file + " is not a record (no id)");
        }
        return p;
    }
}
