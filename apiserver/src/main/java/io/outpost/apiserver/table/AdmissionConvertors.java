package io.outpost.apiserver.table;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * ValidatingAdmissionPolicies and their bindings (kubernetes {@code printValidatingAdmissionPolicy},
 * {@code printValidatingAdmissionPolicyBinding}).
 *
 * <p>Thread model: constants of immutable convertors.
 */
final class AdmissionConvertors {

    private AdmissionConvertors() {
    }

    /** VALIDATIONS counts the rules; PARAMKIND is "apiVersion/kind" or "&lt;unset&gt;". */
    static final TableConvertor POLICIES = new Convertor(
            List.of(Column.NAME, Column.integer("Validations", "Validations indicates the number of validation rules "
                            + "defined in this configuration"),
                    Column.string("ParamKind", "ParamKind specifies the kind of resources used to parameterize this "
                            + "policy"), Column.AGE),
            (o, now) -> {
                JsonNode kind = Fields.at(o, "spec", "paramKind");
                String paramKind = kind.isObject() ? Fields.text(kind, "apiVersion") + "/" + Fields.text(kind, "kind") : "<unset>";
                return List.of(Fields.name(o), (long) Fields.size(o, "spec", "validations"), paramKind, Fields.age(o, now));
            });

    /** PARAMREF is "namespace/name", "*&#47;name" without a namespace, the selector, or "&lt;unset&gt;". */
    static final TableConvertor BINDINGS = new Convertor(
            List.of(Column.NAME, Column.string("PolicyName", "PolicyName indicates the policy definition which the "
                            + "policy binding binded to"),
                    Column.string("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
                    Column.AGE),
            (o, now) -> {
                JsonNode ref = Fields.at(o, "spec", "paramRef");
                String param = "<unset>";
                if (ref.isObject()) {
                    String name = Fields.text(ref, "name");
                    String namespace = Fields.text(ref, "namespace");
                    if (!name.isEmpty()) {
                        param = (namespace.isEmpty() ? "*" : namespace) + "/" + name;
                    } else if (Fields.present(ref, "selector")) {
                        param = Fields.selector(Fields.at(ref, "selector"));
                    }
                }
                return List.of(Fields.name(o), Fields.text(o, "spec", "policyName"), param, Fields.age(o, now));
            });
}
