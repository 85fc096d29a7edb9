package io.outpost.apiserver.admission;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The admission chain: every mutating plugin in order, then (later, after the kind's validation)
 * every validating plugin in order, as kube-apiserver's admission chain runs them. The first
 * plugin that refuses ends the request with its {@link AdmissionDenied}; warnings from all of
 * them reach the client as {@code Warning: 299} headers.
 *
 * <p>Thread model: immutable; shared by every request thread.
 */
public final class AdmissionChain {

    /** A chain with no plugins: every request is admitted unchanged. */
    public static final AdmissionChain EMPTY = new AdmissionChain(List.of(), List.of());

    private final List<MutatingPlugin> mutating;
    private final List<ValidatingPlugin> validating;

    /** @throws IllegalArgumentException if two plugins of one phase share a name */
    public AdmissionChain(List<MutatingPlugin> mutating, List<ValidatingPlugin> validating) {
        this.mutating = List.copyOf(mutating);
        this.validating = List.copyOf(validating);
        unique(this.mutating.stream().map(MutatingPlugin::name).toList());
        unique(this.validating.stream().map(ValidatingPlugin::name).toList());
    }

    private static void unique(List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("admission plugin " + name + " is registered twice");
            }
        }
    }

    /** Runs the mutating plugins; they may change {@code attributes.object()}. */
    public void admit(AdmissionAttributes attributes, List<String> warnings) {
        for (MutatingPlugin plugin : mutating) {
            plugin.admit(attributes, warnings);
        }
    }

    /** Runs the validating plugins. */
    public void validate(AdmissionAttributes attributes, List<String> warnings) {
        for (ValidatingPlugin plugin : validating) {
            plugin.validate(attributes, warnings);
        }
    }

    /** This chain with {@code plugin} appended to the validating phase. */
    public AdmissionChain withValidating(ValidatingPlugin plugin) {
        List<ValidatingPlugin> more = new java.util.ArrayList<>(validating);
        more.add(plugin);
        return new AdmissionChain(mutating, more);
    }

    /** This chain with {@code plugin} appended to the mutating phase. */
    public AdmissionChain withMutating(MutatingPlugin plugin) {
        List<MutatingPlugin> more = new java.util.ArrayList<>(mutating);
        more.add(plugin);
        return new AdmissionChain(more, validating);
    }
}
