package io.outpost.apiserver.cel;

import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
  * Kubernetes' CEL library (k8s.io/apiserver/pkg/cel/library) on cel-java: each part declares its
  * functions for the checker and binds them for the runtime. The parts: {@link QuantityFunctions},
  * {@link UrlFunctions}, {@link IpFunctions}, {@link RegexFunctions}, {@link ListFunctions}.
  */
public final class KubernetesLibrary {

    /** One part of the library. */
    interface Part {
        List<CelFunctionDecl> declarations();

        List<CelFunctionBinding> bindings();
    }

    private static final List<Part> PARTS =
            List.of(
                    new QuantityFunctions(),
                    new UrlFunctions(),
                    new IpFunctions(),
                    new RegexFunctions(),
                    new ListFunctions());

    private KubernetesLibrary() {}

    /**
     * Declares and binds the library in {@code builder}. Public for environments that type their
     * variables themselves (CRD rules, typed from the schema: io.outpost.apiserver.crd.schema).
     */
    public static void install(CelBuilder builder) {
        for (Part part : PARTS) {
            builder.addFunctionDeclarations(part.declarations());
            builder.addFunctionBindings(part.bindings());
        }
    }

    /** An evaluation error raised by a library function, with kube's wording. */
    static CelEvaluationException error(String message) {
        return new CelEvaluationException(message);
    }
}
