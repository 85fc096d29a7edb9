package io.outpost.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EtcdConfigTest {

    record Valid(String name, String datastore, List<String> endpoints) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Invalid(String name, String datastore, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Valid> valid() {
        return List.of(
                new Valid("one member becomes one http endpoint", "etcd://10.0.0.1:2379",
                        List.of("http://10.0.0.1:2379")),
                new Valid("several members keep their order", "etcd://h1:2379,h2:2380,h3:2381",
                        List.of("http://h1:2379", "http://h2:2380", "http://h3:2381")),
                new Valid("an IPv6 member is written in brackets", "etcd://[::1]:2379",
                        List.of("http://[::1]:2379")));
    }

    static List<Invalid> invalid() {
        return List.of(
                new Invalid("sqlite is not etcd", "sqlite", "must start with etcd://"),
                new Invalid("another scheme is refused", "http://h1:2379", "must start with etcd://"),
                new Invalid("no members", "etcd://", "must start with etcd://"),
                new Invalid("an empty member", "etcd://h1:2379,,h2:2379", "a member is empty"),
                new Invalid("a trailing comma", "etcd://h1:2379,", "a member is empty"),
                new Invalid("a member without a port", "etcd://h1", "needs a port"),
                new Invalid("a port out of range", "etcd://h1:70000", "needs a port"),
                new Invalid("a path", "etcd://h1:2379/registry", "is not HOST:PORT"),
                new Invalid("credentials", "etcd://user:pw@h1:2379", "is not HOST:PORT"),
                new Invalid("spaces", "etcd://h1 :2379", "is not HOST:PORT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void aDatastoreFlagParsesToHttpEndpointsWithDefaults(Valid c) {
        EtcdConfig config = EtcdConfig.parse(c.datastore());

        assertThat(config.endpoints()).map(URI::toString).containsExactlyElementsOf(c.endpoints());
        assertThat(config.requestTimeout()).isEqualTo(EtcdConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(config.watchBuffer()).isEqualTo(EtcdConfig.DEFAULT_WATCH_BUFFER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void aBadDatastoreFlagIsRefusedNamingTheFlagAndTheExpectedForm(Invalid c) {
        assertThatThrownBy(() -> EtcdConfig.parse(c.datastore()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--datastore")
                .hasMessageContaining(c.reason())
                .hasMessageContaining("etcd://HOST:PORT");
    }
}
