package io.outpost.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Bootstrap tokens as kube's bootstrap-token authenticator accepts and refuses them. */
class BootstrapTokensTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceType SECRETS = ResourceTypes.builtIns().lookup("", "v1", "secrets").orElseThrow();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static ObjectNode secret(String type, Map<String, String> data, boolean deleting) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode meta = s.putObject("metadata").put("name", "bootstrap-token-abcdef").put("namespace", "kube-system");
        if (deleting) {
            meta.put("deletionTimestamp", "2026-11-25T11:00:00Z");
        }
        s.put("type", type);
        ObjectNode d = s.putObject("data");
        data.forEach((k, v) -> d.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return s;
    }

    static Map<String, String> data(String... kv) {
        Map<String, String> m = new LinkedHashMap<>(Map.of("token-id", "abcdef", "token-secret", "0123456789abcdef",
                "usage-bootstrap-authentication", "true"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    static Optional<UserInfo> authenticate(ObjectNode stored, String token) {
        ObjectSource objects = new ObjectSource() {
            @Override
            public Listing list(ResourceType type) {
                return new Listing(List.of(), 1);
            }

            @Override
            public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
                return stored != null && namespace.equals("kube-system") && name.equals("bootstrap-token-abcdef")
                        ? Optional.of(stored) : Optional.empty();
            }

            @Override
            public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
                return Optional.empty();
            }
        };
        return new BootstrapTokens(objects, SECRETS, new FakeClock(NOW)).user(token);
    }

    record Case(String sentence, ObjectNode secret, String token, boolean accepted) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        String type = BootstrapTokens.SECRET_TYPE;
        String token = "abcdef.0123456789abcdef";
        return Stream.of(
                new Case("A token whose Secret matches is accepted", secret(type, data(), false), token, true),
                new Case("A token before its expiration is accepted",
                        secret(type, data("expiration", "2026-11-25T13:00:00Z"), false), token, true),
                new Case("A token past its expiration is refused",
                        secret(type, data("expiration", "2026-11-25T11:59:59Z"), false), token, false),
                new Case("A token with an unreadable expiration is refused", secret(type, data("expiration", "tomorrow"), false), token, false),
                new Case("A token with another secret is refused", secret(type, data(), false), "abcdef.0123456789abcdee", false),
                new Case("A token without a Secret is refused", null, token, false),
                new Case("A Secret of another type does not make a token", secret("Opaque", data(), false), token, false),
                new Case("A token not for authentication is refused",
                        secret(type, data("usage-bootstrap-authentication", null), false), token, false),
                new Case("A token whose Secret is being deleted is refused", secret(type, data(), true), token, false),
                new Case("A token whose Secret names another id is refused", secret(type, data("token-id", "zzzzzz"), false), token, false),
                new Case("A token not in the bootstrap format is not one of these", secret(type, data(), false), "abcdef:0123456789abcdef", false),
                new Case("Upper case is not the bootstrap format", secret(type, data(), false), "ABCDEF.0123456789ABCDEF", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        assertThat(authenticate(c.secret(), c.token()).isPresent()).isEqualTo(c.accepted());
    }

    @Test
    void anAcceptedTokenIsItsIdsBootstrapperWithOnlyBootstrapperExtraGroups() {
        UserInfo user = authenticate(secret(BootstrapTokens.SECRET_TYPE,
                data("auth-extra-groups", "system:bootstrappers:outpost:edge, system:masters"), false),
                "abcdef.0123456789abcdef").orElseThrow();
        assertThat(user.name()).isEqualTo("system:bootstrap:abcdef");
        assertThat(user.groups()).containsExactly("system:bootstrappers", "system:bootstrappers:outpost:edge",
                UserInfo.AUTHENTICATED);
    }
}
