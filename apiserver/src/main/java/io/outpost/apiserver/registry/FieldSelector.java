package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code fieldSelector}: comma-separated {@code f=v}, {@code f==v} or {@code f!=v}
 * terms (apimachinery's {@code fields.ParseSelector}), all of which must hold. Which fields exist
 * is per kind ({@link KindRules#fields}); naming another is 400 {@code field label not supported}.
 *
 * <p>Immutable and thread-safe.
 */
record FieldSelector(List<Term> terms) {

    static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    record Term(String field, boolean equals, String value) {
    }

    boolean matches(Map<String, String> fields) {
        for (Term t : terms) {
            if (t.value().equals(fields.getOrDefault(t.field(), "")) != t.equals()) {
                return false;
            }
        }
        return true;
    }

    /** The exact name a {@code metadata.name=x} term pins, if any: a list can read one key. */
    String pinnedName() {
        for (Term t : terms) {
            if (t.equals() && t.field().equals("metadata.name")) {
                return t.value();
            }
        }
        return null;
    }

    /**
     * @param supported the field labels the kind has
     * @throws ApiException 400 BadRequest for a malformed term or an unsupported field
     */
    static FieldSelector parse(String selector, Set<String> supported) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String raw : selector.split(",")) {
            String term = raw.trim();
            Term t;
            int i;
            if ((i = term.indexOf("!=")) > 0) {
                t = new Term(term.substring(0, i).trim(), false, term.substring(i + 2).trim());
            } else if ((i = term.indexOf("==")) > 0) {
                t = new Term(term.substring(0, i).trim(), true, term.substring(i + 2).trim());
            } else if ((i = term.indexOf('=')) > 0) {
                t = new Term(term.substring(0, i).trim(), true, term.substring(i + 1).trim());
            } else {
                throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + term + "'");
            }
            if (!supported.contains(t.field())) {
                throw ApiException.badRequest("field label not supported: " + t.field());
            }
            terms.add(t);
        }
        return new FieldSelector(List.copyOf(terms));
    }
}
