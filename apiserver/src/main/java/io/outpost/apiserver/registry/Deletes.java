package io.outpost.apiserver.registry;

import java.time.Instant;
import java.util.List;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.PreconditionFailed;
import io.outpost.apiserver.storage.Preconditions;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * DELETE on an object and on a collection: kube-apiserver's {@code genericregistry.Store.Delete}
 * with {@code rest.BeforeDelete}.
 *
 * <ul>
 *   <li>DeleteOptions come from the body (and {@code gracePeriodSeconds} from the query);
 *       {@code preconditions.uid/resourceVersion} that do not hold are 409 Conflict.</li>
 *   <li>Pods are deleted gracefully: with a grace period above zero the pod is kept with
 *       {@code deletionTimestamp = now + grace} and {@code deletionGracePeriodSeconds}, and the
 *       answer is the pod; the kubelet (or a delete with grace 0) removes it. A pod never bound
 *       to a node, or already Succeeded/Failed, goes at once. A second delete may only shorten
 *       the grace period.</li>
 *   <li>An object with finalizers is kept with a deletionTimestamp until they are removed.</li>
 *   <li>A removed object is answered as {@code Status Success} (pods and services: the object).</li>
 *   <li>Namespaces go through {@link NamespaceLifecycle}.</li>
 *   <li>{@code propagationPolicy} (or the deprecated {@code orphanDependents}) puts the
 *       garbage collector's finalizer on the object ({@link Propagation}) when the registry runs
 *       with a collector; without one they are checked and have no effect, as in kube-apiserver
 *       with the collector disabled.</li>
 *   <li>{@code dryRun=All} answers what the delete would do and changes nothing.</li>
 * </ul>
 *
 * Thread model: as {@link Registry}; the keep-instead function may run more than once.
 */
final class Deletes {

    /** kube's default {@code terminationGracePeriodSeconds}. */
    private static final long DEFAULT_POD_GRACE = 30;

    private final ObjectStore store;
    private final RegistryConfig config;
    private final NamespaceLifecycle namespaces;
    private final Admission admission;

    Deletes(ObjectStore store, RegistryConfig config, NamespaceLifecycle namespaces, Admission admission) {
        this.store = store;
        this.config = config;
        this.namespaces = namespaces;
        this.admission = admission;
    }

    /**
     * Parsed {@code DeleteOptions}, from the body and the query (the query wins, as kube's
     * parameter codec decodes it over the body). {@code gracePeriodSeconds} and
     * {@code propagation} are null when not given; {@code orphanDependents} (deprecated) is folded
     * into {@code propagation}.
     */
    record Options(Long gracePeriodSeconds, Preconditions preconditions, Propagation propagation, boolean dryRun) {
        static final Options DEFAULT = new Options(null, Preconditions.NONE, null, false);

        static Options from(ApiRequest request) {
            ObjectNode body = Responses.optionalBody(request);
            Long grace = body.path("gracePeriodSeconds").isNumber() ? body.path("gracePeriodSeconds").asLong() : null;
            String query = request.param("gracePeriodSeconds").orElse(null);
            if (query != null) {
                try {
                    grace = Long.parseLong(query);
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("gracePeriodSeconds must be an integer, not \"" + query + "\"");
                }
            }
            if (grace != null && grace < 0) {
                grace = 1L; // kube: a negative grace period means "as soon as possible", i.e. 1 second
            }
            ObjectNode pre = body.path("preconditions") instanceof ObjectNode p ? p : body.objectNode();
            Preconditions preconditions = new Preconditions(textOrNull(pre, "uid"), textOrNull(pre, "resourceVersion"));
            return new Options(grace, preconditions, propagation(request, body), dryRun(request, body));
        }

        /** kube's {@code ValidateDeleteOptions} on the two ways of asking for a policy. */
        private static Propagation propagation(ApiRequest request, ObjectNode body) {
            String policy = request.param("propagationPolicy").orElse(textOrNull(body, "propagationPolicy"));
            String orphan = request.param("orphanDependents")
                    .orElse(body.path("orphanDependents").isBoolean() ? body.path("orphanDependents").asString() : null);
            if (policy != null && orphan != null) {
                throw WriteOptions.invalid("DeleteOptions", "propagationPolicy", "FieldValueInvalid",
                        "Invalid value: \"" + policy + "\": orphanDependents and deletionPropagation cannot be both set");
            }
            if (orphan != null) {
                return switch (orphan) {
                    case "true" -> Propagation.ORPHAN;
                    case "false" -> Propagation.BACKGROUND;
                    default -> throw ApiException.badRequest("orphanDependents must be true or false, not \"" + orphan + "\"");
                };
            }
            if (policy == null) {
                return null;
            }
            Propagation parsed = Propagation.parse(policy);
            if (parsed == null) {
                throw WriteOptions.invalid("DeleteOptions", "propagationPolicy", "FieldValueNotSupported",
                        "Unsupported value: \"" + policy + "\": supported values: " + Propagation.supported());
            }
            return parsed;
        }

        private static boolean dryRun(ApiRequest request, ObjectNode body) {
            List<String> values = new java.util.ArrayList<>(request.params("dryRun"));
            body.path("dryRun").forEach(v -> values.add(v.asString("")));
            for (String value : values) {
                if (!value.equals("All")) {
                    throw WriteOptions.invalid("DeleteOptions", "dryRun", "FieldValueNotSupported",
                            "Unsupported value: \"" + value + "\": supported values: \"All\"");
                }
            }
            return !values.isEmpty();
        }

        private static String textOrNull(ObjectNode node, String field) {
            return node.path(field).isString() ? node.path(field).stringValue() : null;
        }
    }

    ApiResponse delete(ApiRequest request, Target target) {
        Options options = Options.from(request);
        if (new KindRules(target.type()).isCore("namespaces")) {
            return Responses.object(200, namespaces.delete(target, options.preconditions(), options.dryRun()).object(), target.type());
        }
        return answer(target.type(), delete(target, options, request));
    }

    ApiResponse deleteCollection(ApiRequest request, Target target) {
        Options options = Options.from(request);
        ResourceType type = target.type();
        List<Versioned> matching = Lists.selectAll(store, request, target);
        ObjectNode list = Lists.listObject(type, store.currentRevision());
        ArrayNode items = list.putArray("items");
        for (Versioned v : matching) {
            Target one = Target.object(type, ObjectMeta.namespace(v.object()), ObjectMeta.name(v.object()));
            try {
                ObjectStore.Deletion d = new KindRules(type).isCore("namespaces")
                        ? new ObjectStore.Deletion(namespaces.delete(one, options.preconditions(), options.dryRun()), false)
                        : delete(one, options, request);
                items.add(ObjectMeta.withTypeMeta(d.object().object(), type));
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 403) {
                    throw e;
                }
            }
        }
        return Responses.json(200, list);
    }

    /** Deletes one object with {@code options}; storage failures in the target's words. */
    ObjectStore.Deletion delete(Target target, Options options) {
        return delete(target, options, null);
    }

    /**
     * As {@link #delete(Target, Options)}; a client's request (not null) also goes through
     * admission, with the object being deleted as the old object, just before the store write.
     */
    private ObjectStore.Deletion delete(Target target, Options options, ApiRequest request) {
        KindRules rules = new KindRules(target.type());
        java.util.function.UnaryOperator<ObjectNode> write = current -> {
            if (request != null) {
                ObjectNode old = current.deepCopy();
                List<String> ignored = new java.util.ArrayList<>();
                admission.mutate(Operation.DELETE, request, target, target.name(), null, old, options.dryRun(),
                        "DeleteOptions", ignored);
                admission.validate(Operation.DELETE, request, target, target.name(), null, old, options.dryRun(),
                        "DeleteOptions", ignored);
            }
            return keepInstead(rules, current, options);
        };
        try {
            return options.dryRun()
                    ? store.previewDelete(target.key(), options.preconditions(), write)
                    : store.delete(target.key(), options.preconditions(), write);
        } catch (StoreException | PreconditionFailed e) {
            throw StoreErrors.toApi(e, target.type(), target.name());
        }
    }

    private static ApiResponse answer(ResourceType type, ObjectStore.Deletion deletion) {
        ObjectNode object = deletion.object().object();
        KindRules rules = new KindRules(type);
        if (!deletion.removed() || rules.isCore("pods") || rules.isCore("services")) {
            return Responses.object(200, object, type);
        }
        return Responses.json(200, Responses.success(type, ObjectMeta.name(object), ObjectMeta.uid(object)));
    }

    /** The object to keep instead of removing {@code current}, or null to remove it. */
    private ObjectNode keepInstead(KindRules rules, ObjectNode current, Options options) {
        Instant now = config.clock().instant();
        ObjectNode meta = ObjectMeta.meta(current);
        if (config.garbageCollector()) {
            List<String> finalizers = Propagation.finalizersFor(current, options.propagation());
            if (finalizers != null) {
                Propagation.setFinalizers(current, finalizers);
            }
        }
        String own = rules.deleteFinalizer();
        if (own != null && !ObjectMeta.deleting(current)) {
            ArrayNode finalizers = meta.path("finalizers") instanceof ArrayNode a ? a : meta.putArray("finalizers");
            if (finalizers.valueStream().noneMatch(f -> f.asString("").equals(own))) {
                finalizers.add(own);
            }
        }
        long grace = rules.gracefulDelete() ? podGrace(current, options) : 0;
        if (grace > 0) {
            Instant until = now.plusSeconds(grace);
            if (ObjectMeta.deleting(current)) {
                Instant existing = Instant.parse(meta.path("deletionTimestamp").asString());
                if (!until.isBefore(existing)) {
                    return current; // a delete may only shorten the grace period
                }
            }
            meta.put("deletionTimestamp", ObjectMeta.timestamp(until));
            meta.put("deletionGracePeriodSeconds", grace);
            return current;
        }
        if (ObjectMeta.hasFinalizers(current)) {
            if (!ObjectMeta.deleting(current)) {
                meta.put("deletionTimestamp", ObjectMeta.timestamp(now));
            }
            meta.put("deletionGracePeriodSeconds", 0);
            return current;
        }
        return null;
    }

    /** kube's pod {@code CheckGracefulDelete}. */
    private static long podGrace(ObjectNode pod, Options options) {
        String phase = pod.path("status").path("phase").asString("");
        if (pod.path("spec").path("nodeName").asString("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            return 0;
        }
        if (options.gracePeriodSeconds() != null) {
            return options.gracePeriodSeconds();
        }
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_POD_GRACE);
    }
}
