package io.outpost.apiserver.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An object's {@code metadata.managedFields}, decoded: who owns which fields. Entries are keyed
 * as kube's {@code BuildManagerIdentifier} keys them: an applier by (manager, subresource), an
 * updater by (manager, apiVersion, subresource), so one manager has at most one entry per
 * operation and subresource. Mutable; one per request.
 */
final class Managed {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Who: the identity of an entry. {@code apiVersion} is "" for an applier. */
    record Manager(String name, String operation, String apiVersion, String subresource) {

        static Manager of(String name, String operation, String apiVersion, String subresource) {
            return new Manager(name.isEmpty() ? "unknown" : name, operation, operation.equals(APPLY) ? "" : apiVersion,
                    subresource == null ? "" : subresource);
        }

        boolean applied() {
            return operation.equals(APPLY);
        }

        /** kube's {@code printManager}: {@code "mgr"}, {@code "mgr" with subresource "status"}, {@code ... using apps/v1}. */
        String display() {
            String out = JSON.writeValueAsString(name);
            if (!subresource.isEmpty()) {
                out += " with subresource " + JSON.writeValueAsString(subresource);
            }
            return applied() ? out : out + " using " + apiVersion;
        }
    }

    /** What an entry owns, at which version, since when (null when unknown). */
    record Owned(FieldSet fields, String apiVersion, String time) {
    }

    final Map<Manager, Owned> entries = new LinkedHashMap<>();

    boolean isEmpty() {
        return entries.isEmpty();
    }

    Managed copy() {
        Managed out = new Managed();
        entries.forEach((m, o) -> out.entries.put(m, new Owned(o.fields().copy(), o.apiVersion(), o.time())));
        return out;
    }

    /**
     * kube's {@code DecodeManagedFields}.
     *
     * @throws IllegalArgumentException for entries kube could not decode (an unknown operation or
     *                                  fieldsType, unreadable fieldsV1, two entries of one manager)
     */
    static Managed decode(JsonNode managedFields) {
        Managed managed = new Managed();
        if (managedFields == null || managedFields.isNull() || managedFields.isMissingNode()) {
            return managed;
        }
        if (!(managedFields instanceof ArrayNode entries)) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        for (JsonNode entry : entries) {
            String operation = entry.path("operation").asString("");
            if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
                throw new IllegalArgumentException("unknown operation \"" + operation + "\"");
            }
            String fieldsType = entry.path("fieldsType").asString("");
            if (!fieldsType.equals("FieldsV1")) {
                throw new IllegalArgumentException("unexpected fieldsType \"" + fieldsType + "\"");
            }
            String apiVersion = entry.path("apiVersion").asString("");
            Manager manager = Manager.of(entry.path("manager").asString(""), operation, apiVersion, entry.path("subresource").asString(""));
            FieldSet fields = entry.has("fieldsV1") ? FieldSet.fromFieldsV1(entry.get("fieldsV1")) : new FieldSet();
            String time = entry.path("time").isString() ? entry.get("time").stringValue() : null;
            if (managed.entries.put(manager, new Owned(fields, apiVersion, time)) != null) {
                throw new IllegalArgumentException("duplicate entries for manager " + manager.display());
            }
        }
        return managed;
    }

    /**
     * kube's {@code isResetManagedFields}: a client that sends {@code managedFields: []} or
     * {@code [{}]} asks for them to be cleared.
     */
    static boolean isReset(JsonNode managedFields) {
        if (managedFields instanceof ArrayNode list) {
            return list.isEmpty() || list.size() == 1 && list.get(0) instanceof ObjectNode o && o.isEmpty();
        }
        return false;
    }

    /**
     * The entries as stored, empty ones dropped, in kube's order (Apply before Update, then by
     * time, manager, apiVersion, subresource).
     */
    ArrayNode encode() {
        List<Map.Entry<Manager, Owned>> sorted = new ArrayList<>();
        entries.forEach((m, o) -> {
            if (!o.fields().isEmpty()) {
                sorted.add(Map.entry(m, o));
            }
        });
        sorted.sort(Comparator.<Map.Entry<Manager, Owned>, String>comparing(e -> e.getKey().operation())
                .thenComparing(e -> e.getValue().time() == null ? "" : e.getValue().time())
                .thenComparing(e -> e.getKey().name())
                .thenComparing(e -> e.getValue().apiVersion())
                .thenComparing(e -> e.getKey().subresource()));
        ArrayNode out = JSON.createArrayNode();
        for (Map.Entry<Manager, Owned> e : sorted) {
            ObjectNode entry = out.addObject();
            entry.put("manager", e.getKey().name());
            entry.put("operation", e.getKey().operation());
            entry.put("apiVersion", e.getValue().apiVersion());
            if (e.getValue().time() != null) {
                entry.put("time", e.getValue().time());
            }
            entry.put("fieldsType", "FieldsV1");
            entry.set("fieldsV1", e.getValue().fields().toFieldsV1());
            if (!e.getKey().subresource().isEmpty()) {
                entry.put("subresource", e.getKey().subresource());
            }
        }
        return out;
    }

    /**
     * kube's {@code capManagersManager}: past {@code max} Update entries, the oldest are merged,
     * per apiVersion, into one {@code ancient-changes} entry.
     */
    void capUpdaters(int max) {
        List<Manager> updaters = new ArrayList<>();
        entries.forEach((m, o) -> {
            if (!m.applied()) {
                updaters.add(m);
            }
        });
        if (updaters.size() <= max) {
            return;
        }
        updaters.sort(Comparator.<Manager, String>comparing(m -> entries.get(m).time() == null ? "" : entries.get(m).time())
                .thenComparing(Manager::toString));
        Map<String, Manager> firstOfVersion = new LinkedHashMap<>();
        int count = updaters.size();
        for (int i = 0; i < updaters.size() && count > max; i++) {
            Manager m = updaters.get(i);
            Owned owned = entries.get(m);
            Manager bucket = Manager.of("ancient-changes", UPDATE, owned.apiVersion(), "");
            Manager first = firstOfVersion.putIfAbsent(owned.apiVersion(), m);
            if (first == null || m.equals(bucket)) {
                continue;
            }
            if (!entries.containsKey(bucket)) {
                entries.put(bucket, entries.remove(first));
            }
            Owned merged = entries.get(bucket);
            entries.put(bucket, new Owned(merged.fields().copy().union(owned.fields()), owned.apiVersion(), owned.time()));
            entries.remove(m);
            count--;
        }
    }
}
