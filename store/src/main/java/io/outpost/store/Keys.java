package io.outpost.store;

/**
 * Rules for keys and prefixes. Keys are non-empty strings without NUL, ordered by
 * {@link String#compareTo}; Kubernetes keys are ASCII, where that order is also the byte order
 * that SQLite and etcd use.
 */
public final class Keys {

    private Keys() {
    }

    public static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
        if (key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a key must not contain NUL: " + key.replace('\0', '?'));
        }
        return key;
    }

    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("a prefix must not be empty");
        }
        return prefix;
    }

    /**
     * The smallest string greater than every string that starts with {@code prefix} (etcd's
     * {@code GetPrefixRangeEnd}): the prefix with its last character incremented.
     */
    public static String prefixEnd(String prefix) {
        checkPrefix(prefix);
        char last = prefix.charAt(prefix.length() - 1);
        if (last == Character.MAX_VALUE) {
            throw new IllegalArgumentException("a prefix must not end in U+FFFF");
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }
}
