package io.outpost.apiserver.validation;

/** Namespaces: the name is a DNS-1123 label (it is part of DNS names of services inside it). */
final class NamespaceValidation implements KindStrategy {

    @Override
    public Names.Rule nameRule() {
        return Names.Rule.DNS1123_LABEL;
    }
}
