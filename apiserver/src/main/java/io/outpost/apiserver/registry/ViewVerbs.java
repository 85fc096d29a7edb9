package io.outpost.apiserver.registry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.outpost.api.KindClasses;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.patch.BuiltinPatchStrategies;
import io.outpost.apiserver.patch.PatchException;
import io.outpost.apiserver.patch.PatchType;
import io.outpost.apiserver.patch.Patches;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.StoreException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves a resource that is a view of another's storage ({@link StorageView}: events.k8s.io/v1
 * Events over core/v1 Events) with the storage resource's own verbs, converting on the way:
 * bodies into the stored schema, answers, list items and watch events back into the view's, field
 * selector labels to the storage's, and failures named after the view's resource. Both resources
 * therefore share objects, resourceVersions, the watch cache and continue tokens, as kube's
 * cohabiting resources share {@code /registry/events}.
 *
 * <ul>
 *   <li>A body is decoded and checked ({@code fieldValidation}) in the view's schema, so a field
 *       only the storage schema has is unknown here, as in kube.</li>
 *   <li>Create and update also pass the view's own validation ({@code validateCreate},
 *       {@code validateUpdate}) before the storage kind's; an update validated against the object
 *       it read is written with that object's resourceVersion as a precondition, and retried on a
 *       conflict when the client gave none (the same guarantee as a guaranteed update).</li>
 *   <li>A JSON, merge or strategic merge patch is applied to the object in the view's schema and
 *       written as an update; server-side apply converts the applied configuration and applies it
 *       to the stored object (a dry run first, for the view's validation), so its field ownership
 *       is recorded in the storage schema (kube records it per request version).</li>
 *   <li>Admission sees the storage resource (core events), as the storage's verbs run.</li>
 * </ul>
 *
 * <p>Thread model: as {@link Registry}; stateless.
 */
final class ViewVerbs {

    /** Conflicts retried for a client that gave no resourceVersion; each means another writer made progress. */
    private static final int MAX_ATTEMPTS = 16;

    private final Verbs verbs;

    ViewVerbs(Verbs verbs) {
        this.verbs = verbs;
    }

    ApiResponse handle(String method, boolean watch, ApiRequest request, Target target, StorageView view) {
        Target stored = view.storageTarget(target);
        try {
            if (target.subresource() != null) {
                throw ApiException.notFound(target.type(), target.name() + "/" + target.subresource());
            }
            return switch (method) {
                case "GET" -> watch ? watch(request, stored, view)
                        : converted(target.name() == null ? verbs.lists.list(selected(request, view), stored) : verbs.get(stored), view);
                case "POST" -> target.name() == null ? create(request, stored, view)
                        : Registry.throwing(ApiException.methodNotAllowed("POST on an object"));
                case "PUT" -> target.name() != null ? update(request, stored, view)
                        : Registry.throwing(ApiException.methodNotAllowed("PUT on a collection"));
                case "PATCH" -> target.name() != null ? patch(request, stored, view)
                        : Registry.throwing(ApiException.methodNotAllowed("PATCH on a collection"));
                case "DELETE" -> converted(target.name() != null ? verbs.deletes.delete(request, stored)
                        : verbs.deletes.deleteCollection(selected(request, view), stored), view);
                default -> Registry.throwing(ApiException.methodNotAllowed(method));
            };
        } catch (ApiException e) {
            throw e.about(view.storage(), view.view());
        } catch (StoreException e) {
            throw StoreErrors.toApi(e, target.type(), target.name());
        }
    }

    private ApiResponse create(ApiRequest request, Target stored, StorageView view) {
        WriteOptions options = WriteOptions.of(request, "CreateOptions");
        Bodies.Body body = verbs.bodies.read(request, view.view(), options.fieldValidation());
        ObjectNode object = view.conversion().toStorage(body.object());
        ApiException.throwIfInvalid(view.view(), ObjectMeta.name(object), view.conversion().validateCreate(object));
        return warned(converted(verbs.creates.create(withBody(request, object), stored), view), body.warnings());
    }

    private ApiResponse update(ApiRequest request, Target stored, StorageView view) {
        WriteOptions options = WriteOptions.of(request, "UpdateOptions");
        Bodies.Body body = verbs.bodies.read(request, view.view(), options.fieldValidation());
        ObjectNode object = view.conversion().toStorage(body.object());
        return warned(converted(write(request, stored, view, object), view), body.warnings());
    }

    /**
     * JSON, merge and strategic merge patches: applied in the view's schema to the current object,
     * then written as an update of that version. Server-side apply: the configuration converted.
     */
    private ApiResponse patch(ApiRequest request, Target stored, StorageView view) {
        ResourceType type = view.view();
        PatchType patchType;
        try {
            patchType = PatchType.ofContentType(request.header("content-type").orElse(""), KindClasses.of(type.kind()).isPresent());
        } catch (PatchException e) {
            throw new ApiException(e.code(), e.reason(), e.getMessage(), Statuses.Details.NONE);
        }
        WriteOptions options = WriteOptions.of(request, "PatchOptions");
        if (patchType == PatchType.APPLY_PATCH_YAML) {
            return apply(request, stored, view, options);
        }
        if (request.param("force").isPresent()) {
            throw WriteOptions.invalid("PatchOptions", "force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch");
        }
        var strategies = BuiltinPatchStrategies.forKind(type.kind().group(), type.kind().kind());
        for (int attempt = 1; ; attempt++) {
            Versioned current = verbs.read(stored);
            ObjectNode live = view.conversion().fromStorage(current.object());
            JsonNode patched;
            try {
                patched = Patches.apply(patchType, live, request.body(), strategies);
            } catch (PatchException e) {
                throw new ApiException(e.code(), e.reason(), e.getMessage(), Statuses.Details.NONE);
            }
            if (!(patched instanceof ObjectNode updated)) {
                throw ApiException.badRequest("the patched object is not a JSON object");
            }
            Responses.checkTypeMeta(updated, type);
            Bodies.Body checked = verbs.bodies.checkFields(updated, type, options.fieldValidation());
            ObjectNode object = view.conversion().toStorage(checked.object());
            String asked = ObjectMeta.meta(object).path("resourceVersion").asString("");
            if (!asked.isEmpty() && !asked.equals(Long.toString(current.revision()))) {
                throw ApiException.modified(view.storage(), ObjectMeta.name(current.object()));
            }
            ApiException.throwIfInvalid(type, ObjectMeta.name(object), view.conversion().validateUpdate(object, current.object()));
            ObjectMeta.meta(object).put("resourceVersion", Long.toString(current.revision()));
            ApiRequest put = new ApiRequest("PUT", request.path(), request.query(), Map.of("content-type", List.of("application/json")),
                    Responses.JSON.writeValueAsBytes(object), request.user());
            try {
                return warned(converted(verbs.updates.update(put, stored), view), checked.warnings());
            } catch (ApiException e) {
                // Someone wrote after our read: the patch applies again to the newer object, as a patch does.
                if (!retryable(e, asked, attempt)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Server-side apply: the configuration in the storage's schema, applied first as a dry run so
     * that the view's validation sees the result (against the object read), then for real with
     * that object's resourceVersion as the apply's precondition (not a field anyone owns); a
     * conflict with another writer applies again.
     */
    private ApiResponse apply(ApiRequest request, Target stored, StorageView view, WriteOptions options) {
        Bodies.Body applied = verbs.bodies.readApply(request.body(), view.view(), options.fieldValidation(), o -> { });
        ObjectNode configuration = view.conversion().toStorage(applied.object());
        String asked = ObjectMeta.meta(configuration).path("resourceVersion").asString("");
        for (int attempt = 1; ; attempt++) {
            Optional<Versioned> current = verbs.store.get(stored.key());
            ObjectNode attempted = configuration.deepCopy();
            if (current.isPresent() && asked.isEmpty()) {
                ObjectMeta.meta(attempted).put("resourceVersion", Long.toString(current.get().revision()));
            }
            ApiRequest configured = withBody(request, attempted, "application/apply-patch+yaml");
            Map<String, List<String>> dryQuery = new HashMap<>(configured.query());
            dryQuery.put("dryRun", List.of("All"));
            ApiResponse dry = verbs.patching.patch(new ApiRequest(configured.method(), configured.path(), dryQuery,
                    configured.headers(), configured.body(), configured.user()), stored);
            if (dry instanceof ApiResponse.Full full && full.status() / 100 == 2
                    && Responses.JSON.readTree(full.body()) instanceof ObjectNode result) {
                ApiException.throwIfInvalid(view.view(), stored.name(), current.isPresent()
                        ? view.conversion().validateUpdate(result, current.get().object())
                        : view.conversion().validateCreate(result));
            }
            if (options.dryRun()) {
                return warned(converted(dry, view), applied.warnings());
            }
            try {
                return warned(converted(verbs.patching.patch(configured, stored), view), applied.warnings());
            } catch (ApiException e) {
                if (!retryable(e, asked, attempt) || !e.getMessage().contains("the object has been modified")) {
                    throw e; // a field manager conflict is the client's to resolve
                }
            }
        }
    }

    /** An update through the view: its validation against the object read, then the storage's update of that version. */
    private ApiResponse write(ApiRequest request, Target stored, StorageView view, ObjectNode object) {
        String asked = ObjectMeta.meta(object).path("resourceVersion").asString("");
        for (int attempt = 1; ; attempt++) {
            Optional<Versioned> current = verbs.store.get(stored.key());
            ObjectNode attemptBody = object.deepCopy();
            if (current.isPresent()) {
                ApiException.throwIfInvalid(view.view(), stored.name(), view.conversion().validateUpdate(object, current.get().object()));
                if (asked.isEmpty()) {
                    ObjectMeta.meta(attemptBody).put("resourceVersion", Long.toString(current.get().revision()));
                }
            } else {
                ApiException.throwIfInvalid(view.view(), stored.name(), view.conversion().validateCreate(object));
            }
            try {
                return verbs.updates.update(withBody(request, attemptBody), stored);
            } catch (ApiException e) {
                if (!retryable(e, asked, attempt)) {
                    throw e;
                }
            }
        }
    }

    private static boolean retryable(ApiException e, String asked, int attempt) {
        return e.code() == 409 && e.reason().equals("Conflict") && asked.isEmpty() && attempt < MAX_ATTEMPTS;
    }

    private ApiResponse watch(ApiRequest request, Target stored, StorageView view) {
        ApiResponse response = verbs.watches.watch(selected(request, view), stored);
        if (!(response instanceof ApiResponse.Streaming streaming)) {
            return converted(response, view);
        }
        return new ApiResponse.Streaming(streaming.status(), streaming.contentType(), streaming.headers(),
                sink -> streaming.body().writeTo(new ConvertingSink(sink, view)));
    }

    /** Rewrites each watch event line (one per write) into the view's schema; an ERROR's Status passes as it is. */
    private static final class ConvertingSink implements ApiResponse.StreamSink {
        private final ApiResponse.StreamSink sink;
        private final StorageView view;

        ConvertingSink(ApiResponse.StreamSink sink, StorageView view) {
            this.sink = sink;
            this.view = view;
        }

        @Override
        public void write(byte[] chunk) throws IOException, InterruptedException {
            JsonNode line = Responses.JSON.readTree(chunk);
            String type = line.path("type").asString("");
            if (line instanceof ObjectNode event && event.get("object") instanceof ObjectNode object
                    && (type.equals("ADDED") || type.equals("MODIFIED") || type.equals("DELETED") || type.equals("BOOKMARK"))) {
                // a bookmark too: client-go decodes it as the watched kind, in the watched version
                event.set("object", view.conversion().fromStorage(object));
                byte[] bytes = Responses.JSON.writeValueAsBytes(event);
                byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
                out[bytes.length] = '\n';
                sink.write(out);
            } else {
                sink.write(chunk);
            }
        }

        @Override
        public boolean isOpen() {
            return sink.isOpen();
        }
    }

    /**
     * The request with its field selector in the storage's labels; a label the view does not
     * have is 400 {@code field label not supported}, as kube's label conversion answers.
     */
    private static ApiRequest selected(ApiRequest request, StorageView view) {
        String selector = request.param("fieldSelector").orElse("");
        if (selector.isBlank()) {
            return request;
        }
        List<String> terms = new ArrayList<>();
        for (String raw : selector.split(",")) {
            String term = raw.trim();
            int op = operator(term);
            if (op <= 0) {
                terms.add(term); // malformed: the storage's parser says so in kube's words
                continue;
            }
            String label = term.substring(0, op).trim();
            String storageLabel = view.conversion().storageFieldLabel(label)
                    .orElseThrow(() -> ApiException.badRequest("field label not supported: " + label));
            terms.add(storageLabel + term.substring(op));
        }
        Map<String, List<String>> query = new HashMap<>(request.query());
        query.put("fieldSelector", List.of(String.join(",", terms)));
        return new ApiRequest(request.method(), request.path(), query, request.headers(), request.body(), request.user());
    }

    private static int operator(String term) {
        for (String op : new String[] {"!=", "==", "="}) {
            int at = term.indexOf(op);
            if (at > 0) {
                return at;
            }
        }
        return -1;
    }

    /** An answer of the storage's verbs in the view's schema: its object, list or delete Status. */
    private static ApiResponse converted(ApiResponse response, StorageView view) {
        if (!(response instanceof ApiResponse.Full full) || !full.contentType().startsWith("application/json")) {
            return response;
        }
        if (!(Responses.JSON.readTree(full.body()) instanceof ObjectNode body)) {
            return response;
        }
        String kind = body.path("kind").asString("");
        String storageKind = view.storage().kind().kind();
        ObjectNode out = body;
        if (kind.equals(storageKind)) {
            out = view.conversion().fromStorage(body);
        } else if (kind.equals(storageKind + "List")) {
            out = Lists.listObject(view.view(), 0);
            out.set("metadata", body.path("metadata").deepCopy());
            ArrayNode items = out.putArray("items");
            for (JsonNode item : body.path("items")) {
                items.add(item instanceof ObjectNode o ? view.conversion().fromStorage(o) : item);
            }
        } else if (kind.equals("Status") && body.get("details") instanceof ObjectNode details && details.has("kind")) {
            details.put("group", view.view().kind().group());
        }
        return new ApiResponse.Full(full.status(), full.contentType(), full.headers(), Responses.JSON.writeValueAsBytes(out));
    }

    private static ApiResponse warned(ApiResponse response, List<String> warnings) {
        if (warnings.isEmpty() || !(response instanceof ApiResponse.Full full)) {
            return response;
        }
        List<String> all = new ArrayList<>(warnings);
        String existing = full.headers().get("Warning");
        ApiResponse.Full merged = Responses.withWarnings(full, all);
        if (existing != null) {
            Map<String, String> headers = new HashMap<>(merged.headers());
            headers.put("Warning", headers.get("Warning") + ", " + existing);
            return new ApiResponse.Full(merged.status(), merged.contentType(), headers, merged.body());
        }
        return merged;
    }

    private static ApiRequest withBody(ApiRequest request, ObjectNode object) {
        return withBody(request, object, "application/json");
    }

    private static ApiRequest withBody(ApiRequest request, ObjectNode object, String contentType) {
        Map<String, List<String>> headers = new HashMap<>(request.headers());
        headers.put("content-type", List.of(contentType));
        return new ApiRequest(request.method(), request.path(), request.query(), headers,
                Responses.JSON.writeValueAsBytes(object), request.user());
    }
}
