package io.outpost.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.outpost.apiserver.http.UserInfo;

class TokenFileTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("tokens.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void eachLineIsTokenUserUidAndQuotedGroups() throws Exception {
        TokenFile tokens = TokenFile.load(file("""
                t0ken-a,alice,1001,"dev,ops"
                t0ken-b, bob ,1002

                t0ken-c,carol,1003,viewers
                """));

        assertThat(tokens.size()).isEqualTo(3);
        assertThat(tokens.user("t0ken-a")).contains(new UserInfo("alice", List.of("dev", "ops", UserInfo.AUTHENTICATED)));
        assertThat(tokens.user("t0ken-b")).contains(new UserInfo("bob ", List.of(UserInfo.AUTHENTICATED)));
        assertThat(tokens.user("t0ken-c")).contains(new UserInfo("carol", List.of("viewers", UserInfo.AUTHENTICATED)));
        assertThat(tokens.user("nope")).isEmpty();
    }

    @Test
    void anEmptyTokenIsSkippedAndALaterDuplicateWins() throws Exception {
        TokenFile tokens = TokenFile.load(file(",nobody,1\nt,first,1\nt,second,2\n"));

        assertThat(tokens.size()).isEqualTo(1);
        assertThat(tokens.user("t").orElseThrow().name()).isEqualTo("second");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "t,alice,1\\nonly-two,columns | 2 | must have at least 3 columns (token, user name, user uid), found 2",
        "t,alice,1,\"dev,ops | 1 | a quoted field is not closed",
        "t,al\"ice,1 | 1 | a quote inside an unquoted field",
        "\\n\\nt,,1 | 3 | the user name (column 2) is empty",
    })
    void aBadLineIsNamedWithTheFileAndItsNumber(String text, int line, String message) throws Exception {
        Path f = file(text.replace("\\n", "\n"));

        assertThatThrownBy(() -> TokenFile.load(f)).isInstanceOf(TokenFile.Invalid.class)
                .hasMessageStartingWith(f + " line " + line + ": ").hasMessageContaining(message);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.csv");

        assertThatThrownBy(() -> TokenFile.load(missing)).isInstanceOf(TokenFile.Invalid.class)
                .hasMessage("cannot read " + missing + ": no such file");
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndOtherSchemesAreNotTokens() {
        assertThat(Credentials.bearer("Bearer abc")).contains("abc");
        assertThat(Credentials.bearer("bearer  abc ")).contains("abc");
        assertThat(Credentials.bearer("Basic YTpi")).isEmpty();
        assertThat(Credentials.bearer("Bearer ")).isEmpty();
        assertThat(Credentials.bearer(null)).isEmpty();
    }
}
