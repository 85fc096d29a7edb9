package io.outpost.apiserver.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;
import java.util.Objects;

/**
  * Kube's lists library: {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()},
  * {@code indexOf(x)}, {@code lastIndexOf(x)} on a list. Elements compare as CEL orders them:
  * numbers (int and double together), strings, booleans; {@code sum()} of an empty list is
  * {@code 0}, {@code min()}/{@code max()} of one is an error, as in kube.
  */
final class ListFunctions implements KubernetesLibrary.Part {

    @Override
    public List<CelFunctionDecl> declarations() {
        var t = TypeParamType.create("T");
        var list = ListType.create(t);
        return List.of(
                newFunctionDeclaration("isSorted", newMemberOverload("list_is_sorted", SimpleType.BOOL, list)),
                newFunctionDeclaration("sum", newMemberOverload("list_sum", t, list)),
                newFunctionDeclaration("min", newMemberOverload("list_min", t, list)),
                newFunctionDeclaration("max", newMemberOverload("list_max", t, list)),
                newFunctionDeclaration("indexOf", newMemberOverload("list_index_of", SimpleType.INT, list, t)),
                newFunctionDeclaration("lastIndexOf", newMemberOverload("list_last_index_of", SimpleType.INT, list, t)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("list_is_sorted", List.class, l -> {
                    for (int i = 1; i < l.size(); i++) {
                        if (compare(l.get(i - 1), l.get(i)) > 0) {
                            return false;
                        }
                    }
                    return true;
                }),
                CelFunctionBinding.from("list_sum", List.class, ListFunctions::sum),
                CelFunctionBinding.from("list_min", List.class, l -> extreme(l, -1)),
                CelFunctionBinding.from("list_max", List.class, l -> extreme(l, 1)),
                CelFunctionBinding.from("list_index_of", List.class, Object.class, (l, x) -> (long) indexOf(l, x)),
                CelFunctionBinding.from("list_last_index_of", List.class, Object.class, (l, x) -> (long) lastIndexOf(l, x)));
    }

    private static Object sum(List<?> l) throws CelEvaluationException {
        long longs = 0;
        double doubles = 0;
        boolean anyDouble = false;
        for (Object o : l) {
            switch (o) {
                case Long v -> longs = Math.addExact(longs, v);
                case Double v -> {
                    doubles += v;
                    anyDouble = true;
                }
                default -> throw KubernetesLibrary.error("sum() applies to lists of numbers, found " + o);
            }
        }
        return anyDouble ? (Object) (doubles + longs) : (Object) longs;
    }

    private static Object extreme(List<?> l, int sign) throws CelEvaluationException {
        if (l.isEmpty()) {
            throw KubernetesLibrary.error((sign < 0 ? "min" : "max") + "(list) called on empty list");
        }
        Object best = l.get(0);
        for (Object o : l) {
            if (compare(o, best) * sign > 0) {
                best = o;
            }
        }
        return best;
    }

    private static int indexOf(List<?> l, Object x) throws CelEvaluationException {
        for (int i = 0; i < l.size(); i++) {
            if (same(l.get(i), x)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<?> l, Object x) throws CelEvaluationException {
        for (int i = l.size() - 1; i >= 0; i--) {
            if (same(l.get(i), x)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }

    private static int compare(Object a, Object b) throws CelEvaluationException {
        if (a instanceof Number x && b instanceof Number y) {
            return x instanceof Long l1 && y instanceof Long l2
                    ? Long.compare(l1, l2)
                    : Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        if (a instanceof QuantityFunctions.Value x && b instanceof QuantityFunctions.Value y) {
            return x.amount().compareTo(y.amount());
        }
        throw KubernetesLibrary.error("no such overload: cannot compare " + a + " and " + b);
    }
}
