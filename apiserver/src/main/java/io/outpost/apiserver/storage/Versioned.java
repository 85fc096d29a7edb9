package io.outpost.apiserver.storage;

import tools.jackson.databind.node.ObjectNode;

/**
 * An object as stored, with the store revision of its latest write. {@code object}'s
 * {@code metadata.resourceVersion} always equals {@code revision} as a string.
 *
 * @param key      the store key
 * @param object   the decoded object; callers own it (every read decodes afresh)
 * @param revision the key's {@code modRevision}
 */
public record Versioned(String key, ObjectNode object, long revision) {
}
