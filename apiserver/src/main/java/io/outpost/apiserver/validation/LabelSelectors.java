package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** {@code metav1.LabelSelector}: kube's {@code ValidateLabelSelector} and {@code Matches} on the JSON form. */
public final class LabelSelectors {

    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    public static boolean empty(JsonNode selector) {
        return selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
    }

    public static List<FieldError> validate(JsonNode selector, String path) {
        List<FieldError> errs = new ArrayList<>(MetadataValidation.labels(selector.path("matchLabels"), path + ".matchLabels"));
        int i = 0;
        for (JsonNode e : selector.path("matchExpressions")) {
            String at = path + ".matchExpressions[" + i++ + "]";
            String op = Trees.text(e, "operator");
            int values = e.path("values").size();
            if (op.equals("In") || op.equals("NotIn")) {
                if (values == 0) {
                    errs.add(FieldError.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            } else if (op.equals("Exists") || op.equals("DoesNotExist")) {
                if (values > 0) {
                    errs.add(FieldError.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            } else {
                errs.add(FieldError.invalid(at + ".operator", op, "not a valid selector operator"));
            }
            String key = Trees.text(e, "key");
            Names.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at + ".key", key, m)));
        }
        return errs;
    }

    /** Whether {@code labels} satisfy the selector; an empty selector matches everything. */
    public static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (var e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asString("").equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            String value = labels.get(Trees.text(e, "key"));
            boolean in = false;
            for (JsonNode v : e.path("values")) {
                in |= v.asString("").equals(value);
            }
            boolean ok = switch (Trees.text(e, "operator")) {
                case "In" -> value != null && in;
                case "NotIn" -> value == null || !in;
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
