package io.outpost.apiserver.apply;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply and field ownership: kube-apiserver's field manager
 * ({@code k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager} over structured-merge-diff), on
 * object trees.
 *
 * <ul>
 *   <li>{@link #update}: a create, update, non-apply patch or subresource write. The fields it
 *       added or changed become its manager's (an {@code Update} entry), taken from whoever had
 *       them; fields it removed leave every owner. A request whose object carries managedFields
 *       sets them ({@code []} or {@code [{}]} clears them); an object without managedFields is not
 *       tracked until its first apply, as kube does.</li>
 *   <li>{@link #apply}: the configuration is merged into the live object by the schema's list and
 *       map semantics; the applier then owns exactly what it applied. Changing a field another
 *       manager owns is an {@link ApplyConflict} unless forced (the other manager loses it).
 *       Fields the applier applied last time and no longer applies are removed, unless another
 *       manager owns them.</li>
 *   <li>kubectl's client-side to server-side migration: for the manager {@code kubectl}, a
 *       conflict on a field whose live value still equals the
 *       {@code kubectl.kubernetes.io/last-applied-configuration} annotation is no conflict, and
 *       that annotation is rewritten to the applied configuration so a later client-side
 *       {@code kubectl apply} computes its patch from it.</li>
 *   <li>Past ten {@code Update} entries the oldest are merged into {@code ancient-changes}.</li>
 * </ul>
 *
 * <p>Neither method modifies its arguments. Thread model: stateless apart from the clock; the
 * registry calls it inside its update functions, which may run more than once.
 */
public final class FieldManager {

    public static final String LAST_APPLIED = LastApplied.ANNOTATION;
    /** kube's {@code DefaultMaxUpdateManagers}. */
    static final int MAX_UPDATE_MANAGERS = 10;
    /** The manager that owns an untracked object's fields at its first apply. */
    private static final String BEFORE_FIRST_APPLY = "before-first-apply";
    /** The paths nobody owns (kube's {@code stripMetaManager}): identity and server-set metadata. */
    private static final List<List<String>> STRIPPED = List.of(
            List.of("f:apiVersion"), List.of("f:kind"), List.of("f:metadata"), List.of("f:metadata", "f:name"),
            List.of("f:metadata", "f:namespace"), List.of("f:metadata", "f:creationTimestamp"), List.of("f:metadata", "f:selfLink"),
            List.of("f:metadata", "f:uid"), List.of("f:metadata", "f:clusterName"), List.of("f:metadata", "f:generation"),
            List.of("f:metadata", "f:managedFields"), List.of("f:metadata", "f:resourceVersion"));
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /**
     * Where a write happens.
     *
     * @param schema            the kind's list and map semantics
     * @param apiVersion        the kind's {@code group/version} ({@code v1} for core)
     * @param kind              the kind
     * @param subresource       {@code status}, {@code scale}, or null for the object itself
     * @param statusSubresource whether the kind has a status subresource: then writes to the
     *                          object own nothing under {@code status}, and writes to
     *                          {@code status} own nothing else (kube's reset fields)
     */
    public record Scope(ApplySchema schema, String apiVersion, String kind, String subresource, boolean statusSubresource) {
    }

    private final Clock clock;

    public FieldManager(Clock clock) {
        this.clock = clock;
    }

    /**
     * The updated object with managedFields that record this write.
     *
     * @param live    the stored object, or null for a create
     * @param updated the object to store, possibly with managedFields the client set
     * @param manager {@code ?fieldManager=}, or the User-Agent's prefix
     */
    public ObjectNode update(Scope scope, ObjectNode live, ObjectNode updated, String manager) {
        Managed managed = startingPoint(scope, live, updated);
        ObjectNode result = withoutManagedFields(updated);
        if (managed.isEmpty() && live != null) {
            return result; // kube's skipNonApplied: an untracked object stays untracked until its first apply
        }
        Typed typed = new Typed(scope.schema());
        ObjectNode before = live == null ? JSON.createObjectNode() : withoutManagedFields(live);
        Typed.Comparison changes = typed.compare(zeroed(scope, before), zeroed(scope, result));
        record(scope, managed, changes, Managed.Manager.of(manager, Managed.UPDATE, scope.apiVersion(), scope.subresource()));
        return encoded(scope, result, managed);
    }

    /**
     * The live object with {@code config} applied and ownership updated; not yet defaulted or
     * validated.
     *
     * @param live   the stored object, or null to create one (the result then has only what was applied)
     * @param config the applied configuration (a whole object of the kind)
     * @throws ApplyConflict if the apply changes fields other managers own and {@code force} is false
     * @throws ApplyError    for a configuration that cannot be applied
     */
    public ObjectNode apply(Scope scope, ObjectNode live, ObjectNode config, String manager, boolean force) {
        if (live == null && scope.subresource() != null) {
            throw new IllegalArgumentException("an apply to a subresource needs the object");
        }
        checkConfiguration(scope, config);
        String kind = scope.kind();
        String apiVersion = scope.apiVersion();
        Typed typed = new Typed(scope.schema());
        Managed managed = decodeOrEmpty(live);
        ObjectNode before;
        if (live == null) {
            before = JSON.createObjectNode();
            before.put("apiVersion", apiVersion);
            before.put("kind", kind);
        } else {
            before = withoutManagedFields(live);
            if (managed.isEmpty()) {
                record(scope, managed, typed.compare(zeroed(scope, JSON.createObjectNode()), zeroed(scope, before)),
                        Managed.Manager.of(BEFORE_FIRST_APPLY, Managed.UPDATE, scope.apiVersion(), scope.subresource()));
            }
        }
        Managed.Manager applier = Managed.Manager.of(manager, Managed.APPLY, scope.apiVersion(), scope.subresource());
        Managed attempt = managed.copy();
        ObjectNode result;
        try {
            result = applyOnce(scope, typed, attempt, before, config, applier, force);
        } catch (Conflicts conflicts) {
            List<Conflicts.Conflict> remaining = conflicts.list;
            if (manager.equals("kubectl")) {
                FieldSet allowed = LastApplied.allowedConflicts(typed, before);
                remaining = remaining.stream().filter(c -> !allowed.has(c.path())).toList();
            }
            if (!remaining.isEmpty()) {
                throw new ApplyConflict(remaining.stream()
                        .map(c -> new ApplyConflict.Conflict(c.owner().display(), FieldSet.display(c.path()))).toList());
            }
            attempt = managed.copy();
            result = applyOnce(scope, typed, attempt, before, config, applier, true);
        }
        if (manager.equals("kubectl")) {
            LastApplied.follow(result, config);
        }
        return encoded(scope, result, attempt);
    }

    /**
     * What kube checks of an applied configuration before anything else: its kind and apiVersion
     * are the endpoint's, and it carries no managedFields.
     *
     * @throws ApplyError if not
     */
    public static void checkConfiguration(Scope scope, ObjectNode config) {
        String kind = config.path("kind").asString("");
        String apiVersion = config.path("apiVersion").asString("");
        if (!kind.equals(scope.kind()) || !apiVersion.equals(scope.apiVersion())) {
            throw new ApplyError("invalid object type: " + (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind);
        }
        JsonNode configManaged = config.path("metadata").get("managedFields");
        if (configManaged != null && !configManaged.isNull()) {
            throw new ApplyError("metadata.managedFields must be nil");
        }
    }

    /** structured-merge-diff's {@code Updater.Apply}: merge, own, prune, then take from or conflict with others. */
    private ObjectNode applyOnce(Scope scope, Typed typed, Managed managed, ObjectNode live, ObjectNode config,
                                 Managed.Manager applier, boolean force) {
        ObjectNode merged = typed.merge(live, config);
        Managed.Owned last = managed.entries.get(applier);
        Managed.Owned previous = last;
        managed.entries.put(applier, new Managed.Owned(filtered(scope, typed.fieldSet(config, true)), scope.apiVersion(),
                previous == null ? null : previous.time()));
        if (last != null) {
            prune(typed, merged, managed, last.fields());
        }
        Typed.Comparison changes = typed.compare(live, merged);
        // changes to fields this endpoint resets (status through the object, the rest through status) conflict with nobody
        FieldSet changed = filtered(scope, changes.modified().copy().union(changes.added()));
        FieldSet removed = filtered(scope, changes.removed());
        List<Conflicts.Conflict> conflicts = new ArrayList<>();
        for (Map.Entry<Managed.Manager, Managed.Owned> e : managed.entries.entrySet()) {
            if (!e.getKey().equals(applier)) {
                for (List<String> path : e.getValue().fields().intersect(changed).paths()) {
                    conflicts.add(new Conflicts.Conflict(e.getKey(), path));
                }
            }
        }
        if (!force && !conflicts.isEmpty()) {
            throw new Conflicts(conflicts);
        }
        for (Map.Entry<Managed.Manager, Managed.Owned> e : managed.entries.entrySet()) {
            if (!e.getKey().equals(applier)) {
                Managed.Owned o = e.getValue();
                e.setValue(new Managed.Owned(o.fields().minus(changed).minus(removed), o.apiVersion(), o.time()));
            }
        }
        managed.entries.values().removeIf(o -> o.fields().isEmpty());
        Typed.dropNulls(merged);
        if (!Typed.same(live, merged)) {
            Managed.Owned mine = managed.entries.get(applier);
            if (mine != null) {
                managed.entries.put(applier, new Managed.Owned(mine.fields(), mine.apiVersion(), now()));
            }
        }
        return merged;
    }

    /**
     * Removes from {@code merged} what the applier owned last time and nobody owns now
     * (structured-merge-diff's {@code prune}): a field, a map-list element, a set value. A node
     * someone still owns, or owns something below, stays.
     */
    private static void prune(Typed typed, ObjectNode merged, Managed managed, FieldSet last) {
        List<FieldSet> owners = managed.entries.values().stream().map(Managed.Owned::fields).toList();
        for (List<String> path : last.paths()) {
            if (owners.stream().noneMatch(o -> o.covers(path))) {
                typed.remove(merged, path, p -> owners.stream().anyMatch(o -> o.covers(p)));
            }
        }
    }

    /** A copy with the kind's zero-value objects present (empty where missing), for comparisons. */
    private static ObjectNode zeroed(Scope scope, ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        for (String path : scope.schema().zeroObjects()) {
            ObjectNode node = copy;
            String[] fields = path.split("\\.");
            for (int i = 0; i < fields.length && node != null; i++) {
                JsonNode child = node.get(fields[i]);
                if (child == null && i == fields.length - 1) {
                    node.putObject(fields[i]);
                }
                node = child instanceof ObjectNode o ? o : null;
            }
        }
        return copy;
    }

    /** The changes of one Update: its manager gains what it set, everyone loses what it removed. */
    private void record(Scope scope, Managed managed, Typed.Comparison changes, Managed.Manager updater) {
        FieldSet taken = filtered(scope, changes.modified().copy().union(changes.added()));
        for (Map.Entry<Managed.Manager, Managed.Owned> e : managed.entries.entrySet()) {
            Managed.Owned o = e.getValue();
            e.setValue(new Managed.Owned(o.fields().minus(taken).minus(changes.removed()), o.apiVersion(), o.time()));
        }
        Managed.Owned previous = managed.entries.get(updater);
        if (!taken.isEmpty()) {
            FieldSet fields = previous == null ? taken : previous.fields().copy().union(taken);
            managed.entries.put(updater, new Managed.Owned(fields, scope.apiVersion(), now()));
        }
        managed.entries.values().removeIf(o -> o.fields().isEmpty());
    }

    /** kube's {@code decodeLiveOrNew}: a reset, else the request's entries if readable and not empty, else the live ones. */
    private static Managed startingPoint(Scope scope, ObjectNode live, ObjectNode updated) {
        if (scope.subresource() != null) {
            return decodeOrEmpty(live);
        }
        JsonNode requested = updated.path("metadata").get("managedFields");
        if (Managed.isReset(requested)) {
            return new Managed();
        }
        try {
            Managed fromRequest = Managed.decode(requested);
            if (!fromRequest.isEmpty()) {
                return fromRequest;
            }
        } catch (IllegalArgumentException e) {
            // kube falls back to the live object's entries when the request's cannot be read
        }
        return decodeOrEmpty(live);
    }

    private static Managed decodeOrEmpty(ObjectNode object) {
        if (object == null) {
            return new Managed();
        }
        try {
            return Managed.decode(object.path("metadata").get("managedFields"));
        } catch (IllegalArgumentException e) {
            return new Managed();
        }
    }

    /** Strips what nobody owns, and what this endpoint does not own (kube's reset fields of the status subresource). */
    private static FieldSet filtered(Scope scope, FieldSet fields) {
        FieldSet out = stripped(fields);
        if ("status".equals(scope.subresource())) {
            return out.onlyUnder("f:status");
        }
        if (scope.subresource() == null && scope.statusSubresource()) {
            out.removeTree(List.of("f:status"));
        }
        return out;
    }

    /** Without the paths nobody owns (kube strips them from every entry on every write). */
    private static FieldSet stripped(FieldSet fields) {
        FieldSet out = fields.copy();
        STRIPPED.forEach(out::remove);
        return out;
    }

    private ObjectNode encoded(Scope scope, ObjectNode object, Managed managed) {
        managed.entries.replaceAll((m, o) -> new Managed.Owned(stripped(o.fields()), o.apiVersion(), o.time()));
        managed.entries.values().removeIf(o -> o.fields().isEmpty());
        managed.capUpdaters(MAX_UPDATE_MANAGERS);
        ArrayNode entries = managed.encode();
        ObjectNode meta = object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
        if (entries.isEmpty()) {
            meta.remove("managedFields");
        } else {
            meta.set("managedFields", entries);
        }
        return object;
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
        return copy;
    }

    private String now() {
        return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Conflicts with their raw paths, before they become an {@link ApplyConflict}. */
    private static final class Conflicts extends RuntimeException {
        record Conflict(Managed.Manager owner, List<String> path) {
        }

        final List<Conflict> list;

        Conflicts(List<Conflict> list) {
            super(null, null, false, false);
            this.list = list;
        }
    }
}
