package io.outpost.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.JoinToken;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bootstrap tokens, as kube-apiserver's {@code --enable-bootstrap-token-auth}
 * ({@code plugin/pkg/auth/authenticator/token/bootstrap}): a bearer token {@code <id>.<secret>}
 * is the user {@code system:bootstrap:<id>} in {@code system:bootstrappers} (and the Secret's
 * {@code auth-extra-groups}) when the Secret {@code kube-system/bootstrap-token-<id>} has type
 * {@code bootstrap.kubernetes.io/token}, the same {@code token-secret},
 * {@code usage-bootstrap-authentication: true}, is not being deleted and has not passed its
 * {@code expiration}. Any other token is unknown here (and, if no other authenticator knows it,
 * 401). The Secret is read from the registry's watch cache, not the store, so a burst of joining
 * nodes costs no database reads; a token the cache refuses is looked up again once the cache has
 * caught up with the store, so a token made a moment ago works at once. A deleted token stops
 * working once the cache has seen the delete (the watch's poll interval).
 *
 * <p>Thread model: stateless apart from the cache it reads; any request thread.
 */
public final class BootstrapTokens implements TokenAuthenticator {

    public static final String NAMESPACE = "kube-system";
    public static final String SECRET_PREFIX = "bootstrap-token-";
    public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    public static final String GROUP = "system:bootstrappers";
    public static final String USER_PREFIX = "system:bootstrap:";

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokens.class);

    private final ObjectSource objects;
    private final ResourceType secrets;
    private final Clock clock;

    public BootstrapTokens(ObjectSource objects, ResourceType secrets, Clock clock) {
        this.objects = objects;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> user(String token) {
        Matcher m = JoinToken.BOOTSTRAP_TOKEN.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        Optional<ObjectNode> secret = objects.get(secrets, NAMESPACE, SECRET_PREFIX + id);
        String why = secret.isEmpty() ? "no secret" : problem(secret.get(), id, m.group(2), clock.instant());
        if (why != null) {
            // The cache may not have seen a token made a moment ago: ask again once it has caught
            // up with the store. Only a refused token pays this.
            secret = objects.getFresh(secrets, NAMESPACE, SECRET_PREFIX + id);
            why = secret.isEmpty() ? "no secret " + NAMESPACE + "/" + SECRET_PREFIX + id
                    : problem(secret.get(), id, m.group(2), clock.instant());
        }
        if (why != null) {
            LOG.debug("bootstrap token {} refused: {}", id, why);
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        groups.add(GROUP);
        for (String g : data(secret.get(), "auth-extra-groups").split(",")) {
            String group = g.strip();
            // kube accepts only groups under system:bootstrappers: a token cannot make its holder a master.
            if (group.startsWith(GROUP + ":") && !groups.contains(group)) {
                groups.add(group);
            }
        }
        groups.add(UserInfo.AUTHENTICATED);
        return Optional.of(new UserInfo(USER_PREFIX + id, groups));
    }

    /** Why the Secret does not make the token valid at {@code now}, or null if it does. */
    static String problem(JsonNode secret, String id, String tokenSecret, Instant now) {
        if (!SECRET_TYPE.equals(secret.path("type").asString(""))) {
            return "the secret's type is not " + SECRET_TYPE;
        }
        if (!secret.path("metadata").path("deletionTimestamp").asString("").isEmpty()) {
            return "the secret is being deleted";
        }
        if (!id.equals(data(secret, "token-id"))) {
            return "token-id does not match";
        }
        if (!MessageDigest.isEqual(tokenSecret.getBytes(StandardCharsets.UTF_8), data(secret, "token-secret").getBytes(StandardCharsets.UTF_8))) {
            return "token-secret does not match";
        }
        if (!"true".equals(data(secret, "usage-bootstrap-authentication"))) {
            return "the token is not for authentication (usage-bootstrap-authentication is not \"true\")";
        }
        String expiration = data(secret, "expiration");
        if (!expiration.isEmpty()) {
            try {
                if (!now.isBefore(Instant.parse(expiration))) {
                    return "expired at " + expiration;
                }
            } catch (DateTimeParseException e) {
                return "expiration is not an RFC 3339 time";
            }
        }
        return null;
    }

    /** A decoded {@code data} value; empty if absent or not base64. */
    static String data(JsonNode secret, String key) {
        String value = secret.path("data").path(key).asString("");
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
