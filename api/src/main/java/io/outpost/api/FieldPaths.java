package io.outpost.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;

/**
 * Field paths in kube-apiserver's notation ({@code spec.containers[0].image}) from a parser's
 * position, and the scan for duplicate fields.
 *
 * <p>Thread model: stateless functions; a parser belongs to the calling thread.
 */
final class FieldPaths {

    private FieldPaths() {
    }

    /** The path of the value the parser is at (inside an object: the current property). */
    static String of(TokenStreamContext context) {
        Deque<String> segments = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.currentName() != null) {
                segments.push("." + c.currentName());
            } else if (c.inArray()) {
                segments.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            }
        }
        String path = String.join("", segments);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /**
     * Every property given twice within one object, in document order. Reads the parser to its
     * end; a syntax error propagates as the parser's exception.
     */
    static List<FieldProblem> duplicates(JsonParser parser) {
        List<FieldProblem> problems = new ArrayList<>();
        Deque<Set<String>> objects = new ArrayDeque<>();
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            switch (token) {
                case START_OBJECT -> objects.push(new HashSet<>());
                case END_OBJECT -> objects.pop();
                case PROPERTY_NAME -> {
                    if (!objects.peek().add(parser.currentName())) {
                        problems.add(new FieldProblem(FieldProblem.Kind.DUPLICATE, of(parser.streamReadContext())));
                    }
                }
                default -> {
                }
            }
        }
        return problems;
    }
}
