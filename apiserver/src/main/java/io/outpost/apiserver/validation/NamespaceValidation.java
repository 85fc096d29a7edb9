package io.outpost.apiserver.validation;

import tools.jackson.databind.node.ObjectNode;

/**
 * Namespaces: the name is a DNS-1123 label (it is part of DNS names of services inside it), and
 * every namespace carries the label {@code kubernetes.io/metadata.name} with its name (kube's
 * {@code SetDefaults_Namespace}), which namespace selectors of policies and network policies use.
 */
final class NamespaceValidation implements KindStrategy {

    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public Names.Rule nameRule() {
        return Names.Rule.DNS1123_LABEL;
    }

    @Override
    public void applyDefaults(ObjectNode namespace) {
        nameLabel(namespace);
    }

    /** Again once a generated name is known. */
    @Override
    public void prepareForCreate(ObjectNode namespace) {
        nameLabel(namespace);
    }

    private static void nameLabel(ObjectNode namespace) {
        String name = Trees.text(namespace.path("metadata"), "name");
        if (!name.isEmpty() && namespace.get("metadata") instanceof ObjectNode meta) {
            meta.withObjectProperty("labels").put(NAME_LABEL, name);
        }
    }
}
