package io.outpost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Join tokens: kube's bootstrap-token format, pinned to a CA in k3s's K10 form. */
class JoinTokenTest {

    private static final String HASH = "ab".repeat(32);

    record Case(String sentence, String text, Optional<String> hash, String id, String error) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A K10 token pins the CA hash", "K10" + HASH + "::abcdef.0123456789abcdef", Optional.of(HASH), "abcdef", null),
                new Case("An upper-case hash is read in lower case", "K10" + HASH.toUpperCase() + "::abcdef.0123456789abcdef",
                        Optional.of(HASH), "abcdef", null),
                new Case("A bare bootstrap token pins nothing", "abcdef.0123456789abcdef", Optional.empty(), "abcdef", null),
                new Case("Surrounding white space is ignored", "  abcdef.0123456789abcdef\n", Optional.empty(), "abcdef", null),
                new Case("A short hash is not a K10 token", "K10abcd::abcdef.0123456789abcdef", null, null, "starts with K10"),
                new Case("A K10 token with k3s's user:password form is refused", "K10" + HASH + "::server:secret", null, null,
                        "not a join token"),
                new Case("An upper-case secret is not a bootstrap token", "abcdef.0123456789ABCDEF", null, null, "not a join token"),
                new Case("A short secret is not a bootstrap token", "abcdef.0123", null, null, "not a join token"),
                new Case("Nothing is not a token", "", null, null, "not a join token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(Case c) {
        if (c.error() != null) {
            assertThatThrownBy(() -> JoinToken.parse(c.text())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c.error());
            return;
        }
        JoinToken token = JoinToken.parse(c.text());
        assertThat(token.caHash()).isEqualTo(c.hash());
        assertThat(token.id()).isEqualTo(c.id());
        assertThat(JoinToken.parse(token.text())).as("text() reads back").isEqualTo(token);
    }

    @Test
    void aGeneratedTokenPinsTheSha256OfTheBundleItWasGiven() {
        JoinToken token = JoinToken.generate().pinning("bundle");
        // sha256("bundle"), as `printf bundle | sha256sum` prints it
        assertThat(token.caHash()).contains("1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc");
        assertThat(token.text()).matches("K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}");
        assertThat(token.bearer()).matches("[a-z0-9]{6}\\.[a-z0-9]{16}");
        assertThat(token.toString()).doesNotContain(token.secret());
        assertThat(JoinToken.generate().id()).isNotEqualTo(token.id());
    }
}
