package io.outpost.apiserver.crd.schema;

/** kube's {@code field.Path} spelling on plain strings: {@code a.b}, {@code a[key]}, {@code a[0]}. */
final class Paths {

    private Paths() {
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String key(String path, String key) {
        return path + "[" + key + "]";
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
