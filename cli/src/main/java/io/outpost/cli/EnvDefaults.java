package io.outpost.cli;

import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives every long flag its environment twin: {@code --data-dir} reads {@code OUTPOST_DATA_DIR}
 * when the flag is not on the command line. A flag given wins over its twin; the twin wins over
 * the flag's built-in default. An empty variable counts as unset.
 */
final class EnvDefaults implements IDefaultValueProvider {

    private final Map<String, String> env;

    EnvDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** {@code --data-dir} → {@code OUTPOST_DATA_DIR}. */
    static String variableFor(OptionSpec option) {
        return "OUTPOST_" + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static boolean hasTwin(ArgSpec arg) {
        return arg instanceof OptionSpec o && !o.usageHelp() && !o.versionHelp() && o.longestName().startsWith("--");
    }

    /** The value of {@code arg}'s twin, or null if it has none or it is unset. */
    String valueOf(ArgSpec arg) {
        if (!hasTwin(arg)) {
            return null;
        }
        String value = env.get(variableFor((OptionSpec) arg));
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        return valueOf(arg);
    }
}
