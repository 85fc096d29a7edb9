package io.outpost.tunnel;

/**
 * The kinds of object a node's projection holds (ARCHITECTURE.md: its Node, the pods bound to it,
 * and the ConfigMaps and Secrets those pods reference). The {@link #code} is what goes on the
 * wire; it never changes for a kind.
 */
public enum ObjectKind {
    NODE(1, false),
    POD(2, true),
    CONFIG_MAP(3, true),
    SECRET(4, true);

    private final int code;
    private final boolean namespaced;

    ObjectKind(int code, boolean namespaced) {
        this.code = code;
        this.namespaced = namespaced;
    }

    public int code() {
        return code;
    }

    public boolean namespaced() {
        return namespaced;
    }

    public static ObjectKind ofCode(int code) {
        for (ObjectKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new FrameCodec.MalformedFrame("unknown object kind " + code);
    }
}
