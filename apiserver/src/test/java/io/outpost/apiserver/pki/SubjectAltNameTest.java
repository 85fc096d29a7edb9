package io.outpost.apiserver.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectAltNameTest {

    @ParameterizedTest(name = "{0} is read as {1}")
    @CsvSource({
        "edge.example.com, DNS:edge.example.com",
        "Edge.Example.COM, DNS:edge.example.com",
        "*.edge.example.com, DNS:*.edge.example.com",
        "localhost, DNS:localhost",
        "10.0.0.5, IP:10.0.0.5",
        "fd00:0:0::5, IP:fd00::5",
        "[::1], IP:::1",
    })
    void aDnsNameOrAnIpLiteralIsAccepted(String flag, String expected) {
        assertThat(SubjectAltName.parse(flag).toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"", "under_score.example.com", "-edge", "edge..example", "https://edge", "10.0.0.5:6443", "a b"})
    void anythingElseIsRefusedWithTheFormsThatWork(String flag) {
        assertThatThrownBy(() -> SubjectAltName.parse(flag)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither a DNS name").hasMessageContaining("nor an IP address");
    }
}
