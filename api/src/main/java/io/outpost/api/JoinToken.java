package io.outpost.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node join token: a Kubernetes bootstrap token ({@code <id>.<secret>}, kube's
 * {@code [a-z0-9]{6}\.[a-z0-9]{16}}) that may pin the cluster CA in k3s's "secure" format:
 *
 * <pre>
 * K10&lt;sha256 hex of the CA bundle PEM&gt;::&lt;id&gt;.&lt;secret&gt;
 * </pre>
 *
 * The hash is over the exact bytes the server answers at {@code GET /cacerts} (k3s hashes the
 * same bytes), so an agent that fetched the bundle over an unverified connection can tell that
 * it is the cluster's before it trusts it. The server authenticates the {@code id.secret} half
 * as the user {@code system:bootstrap:<id>} (kube's bootstrap-token authenticator); the id is
 * public (it names the Secret {@code kube-system/bootstrap-token-<id>}), the secret is not.
 *
 * @param caHash the lower-case hex SHA-256 of the CA bundle, if the token pins one
 * @param id     the six-character token id
 * @param secret the sixteen-character token secret
 */
public record JoinToken(Optional<String> caHash, String id, String secret) {

    /** kube's {@code bootstrapapi.BootstrapTokenPattern}. */
    public static final Pattern BOOTSTRAP_TOKEN = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
    /** kube's {@code BootstrapTokenIDPattern}. */
    public static final Pattern TOKEN_ID = Pattern.compile("[a-z0-9]{6}");

    private static final String PREFIX = "K10";
    private static final Pattern SECURE = Pattern.compile("K10([0-9a-fA-F]{64})::(.*)");
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    public JoinToken {
        Objects.requireNonNull(caHash, "caHash");
        caHash = caHash.map(h -> h.toLowerCase(Locale.ROOT));
        if (!TOKEN_ID.matcher(id).matches() || !secret.matches("[a-z0-9]{16}")) {
            throw new IllegalArgumentException("not a bootstrap token: id must be 6 and secret 16 characters of [a-z0-9]");
        }
    }

    /** A new random bootstrap token, not pinning a CA (kube's {@code GenerateBootstrapToken}). */
    public static JoinToken generate() {
        return new JoinToken(Optional.empty(), random(6), random(16));
    }

    /**
     * Reads a token in either form: {@code K10<hash>::<id>.<secret>} or a bare {@code <id>.<secret>}.
     *
     * @throws IllegalArgumentException saying what the forms look like
     */
    public static JoinToken parse(String text) {
        String t = text == null ? "" : text.strip();
        Optional<String> hash = Optional.empty();
        Matcher secure = SECURE.matcher(t);
        if (secure.matches()) {
            hash = Optional.of(secure.group(1));
            t = secure.group(2);
        } else if (t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the token starts with K10 but is not K10<64 hex digits of the CA's"
                    + " SHA-256>::<id>.<secret>; copy it again from the server's DATA/node-token or 'outpost token create'");
        }
        Matcher bare = BOOTSTRAP_TOKEN.matcher(t);
        if (!bare.matches()) {
            throw new IllegalArgumentException("not a join token: expected K10<sha256 of the CA>::<id>.<secret>"
                    + " (id 6 and secret 16 characters of a-z0-9), as in the server's DATA/node-token"
                    + " or the output of 'outpost token create'");
        }
        return new JoinToken(hash, bare.group(1), bare.group(2));
    }

    /** The lower-case hex SHA-256 of {@code bundle}, as the token pins it. */
    public static String hash(byte[] bundle) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The hash of a PEM bundle's text. */
    public static String hash(String pemBundle) {
        return hash(pemBundle.getBytes(StandardCharsets.US_ASCII));
    }

    /** This token pinning {@code pemBundle}. */
    public JoinToken pinning(String pemBundle) {
        return new JoinToken(Optional.of(hash(pemBundle)), id, secret);
    }

    /** {@code <id>.<secret>}: what is sent as the bearer token. */
    public String bearer() {
        return id + "." + secret;
    }

    /** {@code K10<hash>::<id>.<secret>}, or the bare token when no CA is pinned. */
    public String text() {
        return caHash.map(h -> PREFIX + h + "::" + bearer()).orElse(bearer());
    }

    /** Never the secret: the id only. */
    @Override
    public String toString() {
        return "JoinToken[" + id + "]";
    }

    private static String random(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
