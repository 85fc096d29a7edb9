package io.outpost.apiserver.admission;

import java.util.List;

/**
 * A plugin that accepts or refuses a request without changing it (kube's
 * {@code ValidationInterface}). Called on the request's thread after the kind's own validation,
 * just before the store write; it may run again when a guaranteed update retries.
 */
public interface ValidatingPlugin {

    /** The plugin's name, unique in a chain. */
    String name();

    /** Adds warnings for the client to {@code warnings}, or throws {@link AdmissionDenied}. */
    void validate(AdmissionAttributes attributes, List<String> warnings);
}
