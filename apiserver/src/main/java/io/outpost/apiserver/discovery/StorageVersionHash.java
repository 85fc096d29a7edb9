package io.outpost.apiserver.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import io.outpost.api.GroupVersionKind;

/**
 * Discovery's {@code storageVersionHash}: kube-apiserver's value, the base64 of the first 8
 * bytes of SHA-256 over {@code group/version/kind} of the storage version ({@code /v1/Pod} gives
 * {@code xPOwRZ+Yhw8=}). Clients (the storage version migrator) only compare it for equality;
 * computing it the same way keeps it equal to a real cluster's.
 *
 * <p>Thread model: a pure function.
 */
final class StorageVersionHash {

    private StorageVersionHash() {
    }

    /**
     * @param kind the served kind; a kind kept in another resource's storage hashes that storage's
     *             version, as kube's does: events.k8s.io/v1 Events are stored as core/v1 Events, so
     *             both resources show {@code r2yiGXH7wu8=}
     */
    static String of(GroupVersionKind kind) {
        GroupVersionKind stored = kind.group().equals("events.k8s.io") && kind.kind().equals("Event")
                ? new GroupVersionKind("", "v1", "Event") : kind;
        String gvk = stored.group() + "/" + stored.version() + "/" + stored.kind();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(gvk.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
