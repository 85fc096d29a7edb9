package io.outpost.apiserver.admission;

import java.util.List;

/**
 * A plugin that may change the object before it is validated and stored (kube's
 * {@code MutationInterface}). Called on the request's thread, after the body is decoded and
 * defaulted; it may run again when a guaranteed update retries, so it must be idempotent.
 */
public interface MutatingPlugin {

    /** The plugin's name, unique in a chain. */
    String name();

    /**
     * Changes {@code attributes.object()} in place, adds warnings for the client to
     * {@code warnings}, or throws {@link AdmissionDenied}.
     */
    void admit(AdmissionAttributes attributes, List<String> warnings);
}
