package io.outpost.apiserver.registry;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.apply.ApplyConflict;
import io.outpost.apiserver.apply.ApplyError;
import io.outpost.apiserver.apply.ApplySchema;
import io.outpost.apiserver.apply.FieldManager;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's side of field ownership ({@link FieldManager}): who the manager of a request is,
 * the scope of a target, and the field manager's failures as Status answers. Every write verb
 * calls {@link #update} on the object it is about to store; PATCH with
 * {@code application/apply-patch+yaml} calls {@link #apply}. Stateless; any thread.
 */
final class FieldTracking {

    /** kube's {@code FieldManagerMaxLength}. */
    private static final int MAX_MANAGER_LENGTH = 128;

    private final FieldManager fieldManager;
    private final Function<ResourceType, ApplySchema> schemas;

    /** @param schemas the apply schema of each resource (built-in kinds: {@code BuiltinApplySchemas}) */
    FieldTracking(Clock clock, Function<ResourceType, ApplySchema> schemas) {
        this.fieldManager = new FieldManager(clock);
        this.schemas = schemas;
    }

    /**
     * The manager of a write: {@code ?fieldManager=}, else the User-Agent up to its first '/'
     * without unprintable characters and cut to 128 (kube's {@code managerOrUserAgent}).
     *
     * @param optionsKind {@code CreateOptions}, {@code UpdateOptions} or {@code PatchOptions}, for a 422
     */
    static String manager(ApiRequest request, String optionsKind) {
        String given = request.param("fieldManager").orElse("");
        if (!given.isEmpty()) {
            check(given, optionsKind);
            return given;
        }
        String agent = request.header("user-agent").orElse("");
        String prefix = agent.split("/", -1)[0];
        StringBuilder out = new StringBuilder();
        prefix.codePoints().filter(FieldTracking::printable).forEach(cp -> {
            if (out.length() + Character.charCount(cp) <= MAX_MANAGER_LENGTH) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** kube's {@code ValidateFieldManager}. */
    static void check(String manager, String optionsKind) {
        if (manager.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_MANAGER_LENGTH) {
            throw WriteOptions.invalid(optionsKind, "fieldManager", "FieldValueTooLong",
                    "Too long: may not be more than " + MAX_MANAGER_LENGTH + " bytes");
        }
        for (int i = 0; i < manager.length(); i++) {
            int cp = manager.codePointAt(i);
            if (!printable(cp)) {
                throw WriteOptions.invalid(optionsKind, "fieldManager", "FieldValueInvalid",
                        "Invalid value: \"" + manager + "\": invalid character " + String.format("U+%04X", cp) + " (at position " + i + ")");
            }
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UNASSIGNED, Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                 Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    FieldManager.Scope scope(Target target, String subresource) {
        ResourceType type = target.type();
        return new FieldManager.Scope(schemas.apply(type), type.kind().apiVersion(), type.kind().kind(), subresource,
                type.subresource("status").isPresent());
    }

    /**
     * The object to store with managedFields recording this write.
     *
     * @param live    the stored object; null for a create
     * @param manager from {@link #manager}, read before the update function runs
     */
    ObjectNode update(Target target, String subresource, ObjectNode live, ObjectNode updated, String manager) {
        return fieldManager.update(scope(target, subresource), live, updated, manager);
    }

    /** The live object (null: none) with the configuration applied; a conflict is 409, a bad configuration 400. */
    ObjectNode apply(Target target, ObjectNode live, ObjectNode config, String manager, boolean force) {
        try {
            return fieldManager.apply(scope(target, target.subresource()), live, config, manager, force);
        } catch (ApplyConflict e) {
            List<Statuses.Cause> causes = e.conflicts().stream()
                    .map(c -> new Statuses.Cause("FieldManagerConflict", c.message(), c.field())).toList();
            throw new ApiException(409, "Conflict", e.getMessage(), new Statuses.Details(null, null, null, causes));
        } catch (ApplyError e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
