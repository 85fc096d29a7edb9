package io.outpost.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.api.JoinToken;
import io.outpost.apiserver.auth.BootstrapTokens;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code outpost token create|list|delete}: the cluster's join tokens, kept as bootstrap-token
 * Secrets in {@code kube-system} (as {@code kubeadm token} keeps them), managed over the API with
 * the admin kubeconfig of the data dir. {@code create} prints the whole
 * {@code K10<CA hash>::<id>.<secret>} token that {@code outpost agent --token} takes; the hash is
 * of the CA in that kubeconfig, which is the bundle the server answers at {@code /cacerts}.
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Manages the join tokens of edge nodes: create, list, delete.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
final class TokenCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: create, list or delete");
    }

    /** What every subcommand shares: the data dir whose admin kubeconfig reaches the server. */
    abstract static class WithServer implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = {"The server's data dir, whose admin.kubeconfig is used to reach it.",
                    "Default: ~/.outpost, or /var/lib/outpost as root. Env: OUTPOST_DATA_DIR."})
        String dataDir;

        final ProcessContext context;

        WithServer(ProcessContext context) {
            this.context = context;
        }

        Path dir() {
            Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home()) : DataDir.fromFlag(dataDir, context.home());
            return dir.toAbsolutePath().normalize();
        }

        /** The admin kubeconfig's config. */
        Config kubeconfig() {
            Path file = dir().resolve("admin.kubeconfig");
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "--data-dir " + dir() + ": there is no readable admin.kubeconfig;"
                        + " pass the data dir of a server that has started (outpost server --data-dir DIR), as its user",
                        spec.findOption("--data-dir"), String.valueOf(dataDir));
            }
            try {
                return Config.fromKubeconfig(Files.readString(file));
            } catch (IOException | RuntimeException e) {
                throw new StartupFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        KubernetesClient client(Config config) {
            config.setUserAgent("outpost-token/" + Version.outpost());
            return new KubernetesClientBuilder().withConfig(config).build();
        }

        StartupFailure unreachable(Config config, KubernetesClientException e) {
            return new StartupFailure("the server at " + config.getMasterUrl() + " (from " + dir().resolve("admin.kubeconfig")
                    + ") answered: " + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage()) + (e.getCode() == 0 ? "; is outpost server running with this --data-dir?" : ""), e);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Makes a join token and prints it: K10<CA hash>::<id>.<secret>.", ""})
    static final class Create extends WithServer {

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h", converter = TtlConverter.class,
                description = {"How long the token may be used to join, like 24h, 90m or 1h30m; 0 never expires.",
                    "Default: ${DEFAULT-VALUE}. Env: OUTPOST_TTL."})
        Duration ttl;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "",
                description = {"What the token is for, shown by 'outpost token list'. Env: OUTPOST_DESCRIPTION."})
        String description;

        private final Clock clock;

        Create(ProcessContext context, Clock clock) {
            super(context);
            this.clock = clock;
        }

        @Override
        public Integer call() {
            Config config = kubeconfig();
            String bundle = new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.US_ASCII);
            JoinToken token = JoinToken.generate().pinning(bundle);
            Optional<Instant> expiration = ttl.isZero() ? Optional.empty() : Optional.of(clock.instant().plus(ttl));
            Secret secret = BootstrapTokenSecrets.of(token, expiration, description);
            try (KubernetesClient client = client(config)) {
                client.secrets().inNamespace(BootstrapTokens.NAMESPACE).resource(secret).create();
            } catch (KubernetesClientException e) {
                throw unreachable(config, e);
            }
            spec.commandLine().getOut().println(token.text());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Lists the join tokens (their ids, not their secrets).", ""})
    static final class ListTokens extends WithServer {

        private final Clock clock;

        ListTokens(ProcessContext context, Clock clock) {
            super(context);
            this.clock = clock;
        }

        @Override
        public Integer call() {
            Config config = kubeconfig();
            List<Secret> secrets;
            try (KubernetesClient client = client(config)) {
                secrets = client.secrets().inNamespace(BootstrapTokens.NAMESPACE).list().getItems().stream()
                        .filter(BootstrapTokenSecrets::isToken).toList();
            } catch (KubernetesClientException e) {
                throw unreachable(config, e);
            }
            var out = spec.commandLine().getOut();
            out.printf("%-8s %-10s %-22s %-30s %s%n", "ID", "TTL", "EXPIRES", "DESCRIPTION", "EXTRA GROUPS");
            for (Secret s : secrets) {
                String expires = BootstrapTokenSecrets.data(s, "expiration");
                String ttlText = expires.isEmpty() ? "<forever>" : remaining(expires);
                out.printf("%-8s %-10s %-22s %-30s %s%n", BootstrapTokenSecrets.data(s, "token-id"), ttlText,
                        expires.isEmpty() ? "<never>" : expires, BootstrapTokenSecrets.data(s, "description"),
                        String.join(",", BootstrapTokenSecrets.groups(s)));
            }
            out.flush();
            return 0;
        }

        private String remaining(String expires) {
            try {
                Duration left = Duration.between(clock.instant(), Instant.parse(expires));
                if (left.isNegative() || left.isZero()) {
                    return "<invalid>";
                }
                return left.toHours() >= 1 ? left.toHours() + "h" : Math.max(1, left.toMinutes()) + "m";
            } catch (RuntimeException e) {
                return "<invalid>";
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Deletes join tokens: a node can no longer join with them (joined nodes keep their certificates).", ""})
    static final class Delete extends WithServer {

        @Parameters(paramLabel = "ID", arity = "1..*",
                description = {"The token ids (as 'outpost token list' shows them), or whole tokens."})
        List<String> ids;

        Delete(ProcessContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            List<String> tokenIds = ids.stream().map(this::idOf).toList();
            Config config = kubeconfig();
            try (KubernetesClient client = client(config)) {
                for (String id : tokenIds) {
                    var deleted = client.secrets().inNamespace(BootstrapTokens.NAMESPACE)
                            .withName(BootstrapTokenSecrets.name(id)).delete();
                    if (deleted.isEmpty()) {
                        throw new StartupFailure("token " + id + " does not exist; 'outpost token list' shows the ids", null);
                    }
                    spec.commandLine().getOut().println("bootstrap token \"" + id + "\" deleted");
                }
            } catch (KubernetesClientException e) {
                throw unreachable(config, e);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }

        private String idOf(String arg) {
            if (JoinToken.TOKEN_ID.matcher(arg).matches()) {
                return arg;
            }
            try {
                return JoinToken.parse(arg).id();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "'" + arg + "' is neither a token id (6 characters of a-z0-9,"
                        + " as 'outpost token list' shows) nor a token");
            }
        }
    }

    /** Go durations as kubeadm's {@code --ttl} takes them: {@code 24h}, {@code 1h30m}, {@code 90s}; {@code 0}. */
    static final class TtlConverter implements ITypeConverter<Duration> {
        private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

        @Override
        public Duration convert(String value) {
            String v = value.strip();
            if (v.equals("0")) {
                return Duration.ZERO;
            }
            Matcher m = PART.matcher(v);
            Duration total = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
                end = m.end();
            }
            if (v.isEmpty() || end != v.length()) {
                throw new TypeConversionException("'" + value + "' is not a duration; use hours, minutes and seconds like 24h,"
                        + " 1h30m or 90s, or 0 for a token that never expires");
            }
            return total;
        }
    }
}
