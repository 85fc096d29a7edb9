package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code labelSelector} query parameter, with the grammar of apimachinery's
 * {@code labels.Parse}: comma-separated requirements, each {@code k=v}, {@code k==v},
 * {@code k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k} (exists), {@code !k}
 * (does not exist), {@code k>n}, {@code k<n}. All requirements must hold; the empty selector
 * matches everything. {@code !=} and {@code notin} also match an object without the label.
 *
 * <p>Immutable and thread-safe.
 */
record LabelSelector(List<Requirement> requirements) {

    static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
                case GREATER_THAN, LESS_THAN -> {
                    if (v == null) {
                        yield false;
                    }
                    try {
                        long have = Long.parseLong(v);
                        long bound = Long.parseLong(values.iterator().next());
                        yield op == Op.GREATER_THAN ? have > bound : have < bound;
                    } catch (NumberFormatException e) {
                        yield false;
                    }
                }
            };
        }
    }

    private static final Pattern SET = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$");
    private static final Pattern BINARY = Pattern.compile("^([^!=<>\\s]+)\\s*(==|!=|=|>|<)\\s*(\\S*)$");
    private static final Pattern KEY = Pattern.compile("^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$");
    private static final Pattern VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

    boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** @throws ApiException 400 BadRequest naming the requirement that does not parse */
    static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String term : splitTopLevel(selector)) {
            reqs.add(requirement(term.trim(), selector));
        }
        return new LabelSelector(List.copyOf(reqs));
    }

    private static Requirement requirement(String term, String selector) {
        Matcher m;
        if (term.startsWith("!")) {
            return new Requirement(key(term.substring(1).trim(), selector), Op.DOES_NOT_EXIST, Set.of());
        }
        if ((m = SET.matcher(term)).matches()) {
            Set<String> values = new java.util.LinkedHashSet<>();
            for (String v : m.group(3).split(",", -1)) {
                values.add(value(v.trim(), selector));
            }
            return new Requirement(key(m.group(1), selector), m.group(2).equals("in") ? Op.IN : Op.NOT_IN, Set.copyOf(values));
        }
        if ((m = BINARY.matcher(term)).matches()) {
            Op op = switch (m.group(2)) {
                case "!=" -> Op.NOT_EQUALS;
                case ">" -> Op.GREATER_THAN;
                case "<" -> Op.LESS_THAN;
                default -> Op.EQUALS;
            };
            String v = m.group(3);
            if ((op == Op.GREATER_THAN || op == Op.LESS_THAN) && !v.matches("-?[0-9]+")) {
                throw bad(selector, "for 'Gt', 'Lt' operators, the value must be an integer");
            }
            return new Requirement(key(m.group(1), selector), op, Set.of(value(v, selector)));
        }
        return new Requirement(key(term, selector), Op.EXISTS, Set.of());
    }

    private static String key(String key, String selector) {
        if (!KEY.matcher(key).matches()) {
            throw bad(selector, "invalid label key \"" + key + "\"");
        }
        return key;
    }

    private static String value(String value, String selector) {
        if (value.length() > 63 || !VALUE.matcher(value).matches()) {
            throw bad(selector, "invalid label value: \"" + value + "\"");
        }
        return value;
    }

    private static ApiException bad(String selector, String why) {
        return ApiException.badRequest("unable to parse requirement: " + why + " (in labelSelector \"" + selector + "\")");
    }

    /** Splits on the commas outside parentheses: {@code a in (x,y),b} is two terms. */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
