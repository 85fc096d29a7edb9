package io.outpost.agent.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExpansionTest {

    record Case(String name, String input, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "EMPTY", "");

    static Case[] cases() {
        return new Case[] {
            new Case("a defined variable is replaced", "$(VAR_A)", "A"),
            new Case("variables are replaced inside text", "x-$(VAR_A)-$(VAR_B)-y", "x-A-B-y"),
            new Case("an undefined variable stays as written", "$(NOPE)", "$(NOPE)"),
            new Case("an empty variable becomes empty", "[$(EMPTY)]", "[]"),
            new Case("a doubled dollar escapes a reference", "$$(VAR_A)", "$(VAR_A)"),
            new Case("a doubled dollar alone is one dollar", "$$", "$"),
            new Case("a lone dollar is kept", "$VAR_A", "$VAR_A"),
            new Case("a trailing dollar is kept", "cost$", "cost$"),
            new Case("an unclosed reference is kept", "$(VAR_A", "$(VAR_A"),
            new Case("an empty reference stays", "$()", "$()"),
            new Case("text without references is unchanged", "plain", "plain"),
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expands(Case c) {
        assertThat(Expansion.expand(c.input(), VARS::get)).isEqualTo(c.expected());
    }
}
