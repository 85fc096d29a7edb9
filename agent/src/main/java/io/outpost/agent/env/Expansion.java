package io.outpost.agent.env;

import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion ({@code third_party/forked/golang/expansion}), used for a
 * container's command, args and env values: {@code $(NAME)} becomes the variable's value when it is
 * defined and stays as written when not; {@code $$} escapes a dollar; a lone {@code $} or an
 * unclosed {@code $(} is kept literally.
 */
public final class Expansion {

    private Expansion() {
    }

    /** Expands {@code input}; {@code lookup} answers null for an undefined variable. */
    public static String expand(String input, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(input.length());
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$');
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = lookup.apply(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return out.append(input, checkpoint, input.length()).toString();
    }
}
