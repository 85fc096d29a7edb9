package io.outpost.apiserver.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
  * Kube's quantity library: {@code quantity(string)}, {@code isQuantity(string)} and, on a
  * quantity, {@code isInteger()}, {@code asInteger()}, {@code asApproximateFloat()},
  * {@code sign()}, {@code add(quantity|int)}, {@code sub(quantity|int)},
  * {@code isGreaterThan(quantity)}, {@code isLessThan(quantity)}, {@code compareTo(quantity)}.
  * Parsing accepts exactly kube's resource.Quantity syntax; arithmetic is exact (fabric8's
  * {@link Quantity} gives the decimal amount).
  */
final class QuantityFunctions implements KubernetesLibrary.Part {

    static final OpaqueType TYPE = OpaqueType.create("kubernetes.Quantity");

    /** resource.Quantity's grammar: a signed decimal, then a binary/decimal suffix or exponent. */
    private static final Pattern SYNTAX =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

    /** A parsed quantity: the text it was written as and its exact value. */
    record Value(String text, BigDecimal amount) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Value parse(String text) throws CelEvaluationException {
        if (!SYNTAX.matcher(text).matches()) {
            throw KubernetesLibrary.error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        try {
            return new Value(text, new Quantity(text).getNumericalAmount().stripTrailingZeros());
        } catch (RuntimeException e) {
            throw KubernetesLibrary.error("invalid quantity " + text + ": " + e.getMessage());
        }
    }

    private static Value of(BigDecimal amount) {
        BigDecimal exact = amount.stripTrailingZeros();
        return new Value(exact.toPlainString(), exact);
    }

    @Override
    public List<CelFunctionDecl> declarations() {
        var q = TYPE;
        return List.of(
                newFunctionDeclaration("quantity", newGlobalOverload("string_to_quantity", q, SimpleType.STRING)),
                newFunctionDeclaration("isQuantity", newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("isInteger", newMemberOverload("quantity_is_integer", SimpleType.BOOL, q)),
                newFunctionDeclaration("asInteger", newMemberOverload("quantity_get_int", SimpleType.INT, q)),
                newFunctionDeclaration("asApproximateFloat", newMemberOverload("quantity_get_float", SimpleType.DOUBLE, q)),
                newFunctionDeclaration("sign", newMemberOverload("quantity_sign", SimpleType.INT, q)),
                newFunctionDeclaration(
                        "add",
                        newMemberOverload("quantity_add", q, q, q),
                        newMemberOverload("quantity_add_int", q, q, SimpleType.INT)),
                newFunctionDeclaration(
                        "sub",
                        newMemberOverload("quantity_sub", q, q, q),
                        newMemberOverload("quantity_sub_int", q, q, SimpleType.INT)),
                newFunctionDeclaration("isGreaterThan", newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, q, q)),
                newFunctionDeclaration("isLessThan", newMemberOverload("quantity_is_less_than", SimpleType.BOOL, q, q)),
                newFunctionDeclaration("compareTo", newMemberOverload("quantity_compare_to", SimpleType.INT, q, q)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_quantity", String.class, QuantityFunctions::parse),
                CelFunctionBinding.from("is_quantity_string", String.class, s -> {
                    try {
                        parse(s);
                        return true;
                    } catch (CelEvaluationException e) {
                        return false;
                    }
                }),
                CelFunctionBinding.from("quantity_is_integer", Value.class, v -> isInteger(v.amount())),
                CelFunctionBinding.from("quantity_get_int", Value.class, v -> {
                    if (!isInteger(v.amount())) {
                        throw KubernetesLibrary.error("cannot convert value to integer");
                    }
                    return v.amount().longValueExact();
                }),
                CelFunctionBinding.from("quantity_get_float", Value.class, v -> v.amount().doubleValue()),
                CelFunctionBinding.from("quantity_sign", Value.class, v -> (long) v.amount().signum()),
                CelFunctionBinding.from("quantity_add", Value.class, Value.class, (a, b) -> of(a.amount().add(b.amount()))),
                CelFunctionBinding.from("quantity_add_int", Value.class, Long.class, (a, b) -> of(a.amount().add(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_sub", Value.class, Value.class, (a, b) -> of(a.amount().subtract(b.amount()))),
                CelFunctionBinding.from("quantity_sub_int", Value.class, Long.class, (a, b) -> of(a.amount().subtract(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_is_greater_than", Value.class, Value.class, (a, b) -> a.amount().compareTo(b.amount()) > 0),
                CelFunctionBinding.from("quantity_is_less_than", Value.class, Value.class, (a, b) -> a.amount().compareTo(b.amount()) < 0),
                CelFunctionBinding.from("quantity_compare_to", Value.class, Value.class, (a, b) -> (long) a.amount().compareTo(b.amount())));
    }

    /** Kube's isInteger: a whole number that fits in an int64. */
    private static boolean isInteger(BigDecimal amount) {
        if (amount.signum() != 0 && amount.scale() > 0 && amount.stripTrailingZeros().scale() > 0) {
            return false;
        }
        try {
            amount.toBigIntegerExact().longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
