package io.outpost.apiserver.registry;

import java.util.List;

import io.outpost.apiserver.http.ApiRequest;
import tools.jackson.databind.node.ObjectNode;

/**
 * The label and field selectors of a list, watch or deletecollection, over one kind. A request
 * on a named object ({@code GET .../pods/x?watch=1}) selects {@code metadata.name=x}.
 * Immutable and thread-safe.
 */
record Selection(KindRules rules, LabelSelector labels, FieldSelector fields) {

    static Selection from(ApiRequest request, Target target) {
        KindRules rules = new KindRules(target.type());
        LabelSelector labels = LabelSelector.parse(request.param("labelSelector").orElse(null));
        FieldSelector fields = FieldSelector.parse(request.param("fieldSelector").orElse(null),
                rules.fields(Responses.JSON.createObjectNode()).keySet());
        if (target.name() != null) {
            var terms = new java.util.ArrayList<>(fields.terms());
            terms.add(new FieldSelector.Term("metadata.name", true, target.name()));
            fields = new FieldSelector(List.copyOf(terms));
        }
        return new Selection(rules, labels, fields);
    }

    boolean everything() {
        return labels.requirements().isEmpty() && fields.terms().isEmpty();
    }

    boolean matches(ObjectNode object) {
        return labels.matches(ObjectMeta.labels(object)) && fields.matches(rules.fields(object));
    }
}
