package io.outpost.apiserver.crd;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Preconditions;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.KvStore;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves what the stored CustomResourceDefinitions define, as kube's apiextensions controllers
 * do (naming, establishing, finalizer): a CRD whose names clash with nothing is accepted and
 * established at once (status conditions {@code NamesAccepted} and {@code Established}) and its
 * served versions are put in the {@link ResourceCatalog}; a clash leaves it
 * {@code NamesAccepted=False} and unserved. A CRD being deleted gets {@code Terminating=True},
 * every one of its custom objects is deleted, then its cleanup finalizer goes and with it the
 * CRD, which stops being served.
 *
 * <p>Level-triggered: each pass reads every CRD (there are few) and makes the catalog and the
 * statuses agree with them, so a missed or repeated event costs only a pass. {@link #sync()} runs
 * one pass (at start, before the server listens, so that CRDs are served again after a restart);
 * {@link #start()} then runs passes on one virtual thread whenever the store reports a change to
 * a CRD.
 *
 * <p>Thread model: passes run on one thread at a time (the starting thread, then the controller's
 * own); {@link #close} from any thread.
 */
public final class CrdController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final ObjectStore store;
    private final ResourceCatalog catalog;
    private final ResourceType crds;
    private final CrdSchemas schemas;
    private final Clock clock;
    /** The metadata.generation each served CRD was put in the catalog at; only the pass thread uses it. */
    private final Map<String, Long> servedGenerations = new HashMap<>();
    private volatile boolean closed;
    private Thread thread;

    /** {@code crds}: the CustomResourceDefinition resource (its store keys). */
    public CrdController(KvStore store, ResourceCatalog catalog, ResourceType crds, CrdSchemas schemas, Clock clock) {
        this.store = new ObjectStore(store);
        this.catalog = catalog;
        this.crds = crds;
        this.schemas = schemas;
        this.clock = clock;
    }

    /** One pass over every CRD; returns the store revision it read at. */
    public long sync() {
        ObjectStore.Page page = store.list(crds.keyPrefix(), null, 0, 0);
        Set<String> present = new HashSet<>();
        for (Versioned crd : page.items()) {
            String name = crd.object().path("metadata").path("name").asString("");
            present.add(name);
            try {
                reconcile(crd);
            } catch (RuntimeException e) {
                LOG.warn("CustomResourceDefinition {}: {}", name, e.toString());
            }
        }
        for (CustomKind k : List.copyOf(catalog.snapshot().custom().values())) {
            if (!present.contains(k.crdName())) {
                catalog.remove(k.crdName());
                servedGenerations.remove(k.crdName());
            }
        }
        return page.revision();
    }

    /** Runs passes on a virtual thread, after each change to a CRD, until {@link #close}. */
    public void start() {
        thread = Thread.ofVirtual().name("crd-controller").start(this::run);
    }

    private void run() {
        long revision = sync();
        while (!closed) {
            try (Watch watch = store.watch(crds.keyPrefix(), revision)) {
                while (!closed) {
                    if (!watch.poll(POLL).isEmpty()) {
                        revision = sync();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (StoreException e) {
                if (!closed) {
                    LOG.info("CRD watch ended ({}); reading the CRDs again", e.getMessage());
                    try {
                        revision = sync();
                    } catch (RuntimeException again) {
                        LOG.warn("CRD pass failed: {}", again.toString());
                        sleepQuietly();
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("CRD pass failed: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void reconcile(Versioned crd) {
        ObjectNode object = crd.object();
        String name = object.path("metadata").path("name").asString("");
        if (object.path("metadata").hasNonNull("deletionTimestamp")) {
            cleanUp(crd, name);
            return;
        }
        long generation = object.path("metadata").path("generation").asLong(0);
        String conflict = null;
        if (!(catalog.serves(name) && Long.valueOf(generation).equals(servedGenerations.get(name)))) {
            try {
                catalog.put(name, CustomKinds.of(object, schemas));
                servedGenerations.put(name, generation);
            } catch (IllegalArgumentException e) {
                conflict = e.getMessage();
                catalog.remove(name);
                servedGenerations.remove(name);
            }
        }
        String problem = conflict;
        writeStatus(crd.key(), current -> established(current, problem));
    }

    /** The status kube's naming and establishing controllers write: accepted names and conditions. */
    private ObjectNode established(ObjectNode crd, String conflict) {
        ObjectNode status = crd.withObjectProperty("status");
        if (conflict == null) {
            status.set("acceptedNames", acceptedNames(crd.path("spec").path("names")));
            condition(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
            condition(status, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted");
        } else {
            condition(status, "NamesAccepted", "False", "NameConflict", conflict);
            condition(status, "Established", "False", "NotAccepted", "not all names are accepted");
        }
        ArrayNode stored = status.has("storedVersions") && status.get("storedVersions").isArray()
                ? (ArrayNode) status.get("storedVersions") : status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            String version = v.path("name").asString("");
            if (v.path("storage").asBoolean(false) && !contains(stored, version)) {
                stored.add(version);
            }
        }
        return crd;
    }

    private static ObjectNode acceptedNames(JsonNode names) {
        return names instanceof ObjectNode o ? o.deepCopy() : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    private void cleanUp(Versioned crd, String name) {
        writeStatus(crd.key(), current -> {
            condition(current.withObjectProperty("status"), "Terminating", "True", "InstanceDeletionInProgress",
                    "CustomResource deletion is in progress");
            return current;
        });
        List<CustomKind> kinds = CustomKinds.of(crd.object(), schemas);
        if (!kinds.isEmpty()) {
            String prefix = kinds.getFirst().type().keyPrefix();
            for (Versioned cr : store.list(prefix, null, 0, 0).items()) {
                try {
                    store.delete(cr.key(), Preconditions.NONE, o -> null);
                } catch (StoreException.NotFound e) {
                    // already gone
                }
            }
        }
        catalog.remove(name);
        servedGenerations.remove(name);
        try {
            store.delete(crd.key(), Preconditions.NONE, current -> {
                ArrayNode finalizers = current.path("metadata").path("finalizers") instanceof ArrayNode a ? a : null;
                if (finalizers == null) {
                    return null;
                }
                for (int i = finalizers.size() - 1; i >= 0; i--) {
                    if (finalizers.get(i).asString("").equals(CrdValidation.CLEANUP_FINALIZER)) {
                        finalizers.remove(i);
                    }
                }
                if (finalizers.isEmpty()) {
                    return null;
                }
                condition(current.withObjectProperty("status"), "Terminating", "False", "InstanceDeletionCompleted",
                        "removed all instances");
                return current; // other finalizers still hold it
            });
        } catch (StoreException.NotFound e) {
            // already gone
        }
        LOG.info("CustomResourceDefinition {}: custom objects deleted", name);
    }

    private void writeStatus(String key, java.util.function.UnaryOperator<ObjectNode> change) {
        try {
            store.guaranteedUpdate(key, false, Preconditions.NONE, current -> change.apply(current.object()));
        } catch (StoreException.NotFound e) {
            // deleted meanwhile: the next pass sees it gone
        }
    }

    /** Sets a condition; its lastTransitionTime changes only when its status does. */
    private void condition(ObjectNode status, String type, String value, String reason, String message) {
        ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
                ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
        ObjectNode found = null;
        for (JsonNode c : conditions) {
            if (c.path("type").asString("").equals(type)) {
                found = (ObjectNode) c;
            }
        }
        if (found == null) {
            found = conditions.addObject();
            found.put("type", type);
        }
        if (!found.path("status").asString("").equals(value)) {
            found.put("lastTransitionTime", RFC3339.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        }
        found.put("status", value);
        found.put("reason", reason);
        found.put("message", message);
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (n.asString("").equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
