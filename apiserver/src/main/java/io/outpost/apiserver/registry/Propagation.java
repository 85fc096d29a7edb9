package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a delete hands an object's dependents to the garbage collector: kube-apiserver's
 * {@code deletionFinalizersForGarbageCollection}. The policy comes from the DeleteOptions
 * ({@code orphanDependents}, then {@code propagationPolicy}), else from a GC finalizer the
 * object already carries, else the resource's default (Background for every resource served).
 *
 * <ul>
 *   <li>Orphan: the {@code orphan} finalizer; the collector removes the owner reference from
 *       each dependent, then the finalizer.</li>
 *   <li>Foreground: the {@code foregroundDeletion} finalizer; the collector deletes the
 *       dependents that block the owner's deletion first, then the finalizer.</li>
 *   <li>Background: neither; the owner goes at once and the collector deletes the dependents
 *       afterwards.</li>
 * </ul>
 *
 * Without a garbage collector no finalizer is added (kube-apiserver with
 * {@code --enable-garbage-collector=false}): nothing would ever remove it.
 */
enum Propagation {
    ORPHAN("Orphan"),
    BACKGROUND("Background"),
    FOREGROUND("Foreground");

    static final String ORPHAN_FINALIZER = "orphan";
    static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    final String wire;

    Propagation(String wire) {
        this.wire = wire;
    }

    /** The policy a value of {@code propagationPolicy} names, or null if it names none. */
    static Propagation parse(String value) {
        for (Propagation p : values()) {
            if (p.wire.equals(value)) {
                return p;
            }
        }
        return null;
    }

    /** {@code "Foreground", "Background", "Orphan"}: kube's order in its error message. */
    static String supported() {
        return "\"Foreground\", \"Background\", \"Orphan\"";
    }

    /**
     * The finalizers {@code object} should carry for a delete with {@code requested} (null when
     * the options say nothing), or null when they need no change.
     */
    static List<String> finalizersFor(ObjectNode object, Propagation requested) {
        List<String> current = new ArrayList<>();
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            current.add(f.asString(""));
        }
        Propagation effective = requested != null ? requested
                : current.contains(ORPHAN_FINALIZER) ? ORPHAN
                : current.contains(FOREGROUND_FINALIZER) ? FOREGROUND
                : BACKGROUND;
        List<String> wanted = new ArrayList<>();
        for (String f : current) {
            if (!f.equals(ORPHAN_FINALIZER) && !f.equals(FOREGROUND_FINALIZER)) {
                wanted.add(f);
            }
        }
        if (effective == ORPHAN) {
            wanted.add(ORPHAN_FINALIZER);
        } else if (effective == FOREGROUND) {
            wanted.add(FOREGROUND_FINALIZER);
        }
        return new LinkedHashSet<>(wanted).equals(new LinkedHashSet<>(current)) ? null : wanted;
    }

    /** Writes {@code finalizers} into the object's metadata (none: the field goes). */
    static void setFinalizers(ObjectNode object, List<String> finalizers) {
        ObjectNode meta = ObjectMeta.meta(object);
        if (finalizers.isEmpty()) {
            meta.remove("finalizers");
            return;
        }
        ArrayNode array = meta.putArray("finalizers");
        finalizers.forEach(array::add);
    }
}
