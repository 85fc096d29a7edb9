package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fieldPath} of an {@code x-kubernetes-validations} rule: a path relative to the rule's
 * node, {@code .spec.replicas} or {@code .labels['app.kubernetes.io/name']}, that must name a field
 * of the schema (kube's {@code ValidFieldPath}); array indexes are not allowed.
 */
final class FieldPaths {

    private FieldPaths() {
    }

    /** Why the path is not valid for the schema, or null if it is. */
    static String problem(Schema s, String fieldPath) {
        List<String> segments = parse(fieldPath);
        if (segments == null) {
            return "fieldPath must be a valid path: expected a path of the form .field or ['field']";
        }
        Schema at = s;
        for (String seg : segments) {
            Schema next = at.property(seg);
            if (next == null) {
                return "fieldPath must be a valid path: does not refer to a valid field";
            }
            at = next;
        }
        return null;
    }

    /** The field path of an error at {@code fieldPath} below {@code path}. */
    static String append(String path, String fieldPath) {
        List<String> segments = parse(fieldPath);
        if (segments == null) {
            return path;
        }
        String out = path;
        for (String seg : segments) {
            out = Paths.child(out, seg);
        }
        return out;
    }

    /** The names along the path, or null if it is malformed. */
    static List<String> parse(String fieldPath) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = fieldPath.length();
        if (n == 0) {
            return null;
        }
        while (i < n) {
            char c = fieldPath.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < n && fieldPath.charAt(j) != '.' && fieldPath.charAt(j) != '[') {
                    j++;
                }
                if (j == i + 1) {
                    return null;
                }
                out.add(fieldPath.substring(i + 1, j));
                i = j;
            } else if (c == '[' && i + 1 < n && fieldPath.charAt(i + 1) == '\'') {
                int end = fieldPath.indexOf("']", i + 2);
                if (end < 0) {
                    return null;
                }
                out.add(fieldPath.substring(i + 2, end));
                i = end + 2;
            } else {
                return null;
            }
        }
        return out;
    }
}
