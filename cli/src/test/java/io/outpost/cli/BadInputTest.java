package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A user's mistake gets exit code 2 and one message naming the flag and the fix; never a stack trace. */
class BadInputTest {

    record Case(String name, List<String> args, Map<String, String> env, List<String> messages) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String forms = "use sqlite (the default) or etcd://HOST:PORT[,HOST:PORT...]";
        return Stream.of(
                new Case("a datastore that is neither sqlite nor etcd",
                        List.of("--datastore", "mysql://db:3306"), Map.of(),
                        List.of("Invalid value for option '--datastore'", "'mysql://db:3306' is not a datastore", forms)),
                new Case("an etcd member without a port",
                        List.of("--datastore=etcd://e1"), Map.of(),
                        List.of("'--datastore'", "'e1' needs a port from 1 to 65535", "expected etcd://HOST:PORT[,HOST:PORT...]")),
                new Case("an etcd member with a port out of range",
                        List.of("--datastore=etcd://e1:2379,e2:99999"), Map.of(),
                        List.of("'--datastore'", "'e2:99999' needs a port from 1 to 65535")),
                new Case("an etcd member with a path",
                        List.of("--datastore=etcd://e1:2379/v3"), Map.of(), List.of("'--datastore'", "'e1:2379/v3' is not HOST:PORT")),
                new Case("etcd:// with no member",
                        List.of("--datastore=etcd://"), Map.of(), List.of("'--datastore'", "is not a valid etcd datastore")),
                new Case("a trailing comma after the etcd members",
                        List.of("--datastore=etcd://e1:2379,"), Map.of(), List.of("'--datastore'", "a member is empty")),
                new Case("a bad OUTPOST_DATASTORE says the value came from there",
                        List.of(), Map.of("OUTPOST_DATASTORE", "postgres"),
                        List.of("'--datastore'", "'postgres' is not a datastore", "(the value came from OUTPOST_DATASTORE)")),
                new Case("--data-dir without its value",
                        List.of("--data-dir"), Map.of(), List.of("Missing required parameter for option '--data-dir'")),
                new Case("a --tls-san that is neither a DNS name nor an IP",
                        List.of("--tls-san", "edge.example.com", "--tls-san", "https://edge:6443"), Map.of(),
                        List.of("'--tls-san'", "'https://edge:6443' is neither a DNS name", "nor an IP address (like 10.0.0.5")),
                new Case("a bad OUTPOST_TLS_SAN says the value came from there",
                        List.of(), Map.of("OUTPOST_TLS_SAN", "ok.example.com,bad_name"),
                        List.of("'--tls-san'", "'bad_name' is neither", "(the value came from OUTPOST_TLS_SAN)")),
                new Case("a port out of range",
                        List.of("--port", "70000"), Map.of(), List.of("'--port'", "'70000' is not a port; use a number from 1 to 65535")),
                new Case("a bind address that is a host name",
                        List.of("--bind-address", "edge.local"), Map.of(), List.of("'--bind-address'", "'edge.local' is not an IP address")),
                new Case("a negative --event-ttl",
                        List.of("--event-ttl", "-1h"), Map.of(), List.of("'--event-ttl'", "'-1h' is not a ttl; use a duration of at least 1s",
                                "or 0 to keep events until deleted")),
                new Case("an --event-ttl under a second, which kube would count as 0",
                        List.of("--event-ttl=500ms"), Map.of(), List.of("'--event-ttl'", "'500ms' is not a ttl")),
                new Case("an --event-ttl in days, which Go's durations do not have",
                        List.of("--event-ttl", "1d"), Map.of(), List.of("'--event-ttl'", "'1d' is not a duration; use Go's form like 1h")),
                new Case("a bad OUTPOST_EVENT_TTL says the value came from there",
                        List.of(), Map.of("OUTPOST_EVENT_TTL", "an hour"),
                        List.of("'--event-ttl'", "'an hour' is not a duration", "(the value came from OUTPOST_EVENT_TTL)")),
                new Case("a --cluster-cidr that is no CIDR",
                        List.of("--cluster-cidr", "10.42.0.0"), Map.of(),
                        List.of("'--cluster-cidr'", "'10.42.0.0' is not a CIDR; write an IPv4 network with its prefix length, like 10.42.0.0/16")),
                new Case("an IPv6 --cluster-cidr, not supported yet",
                        List.of("--cluster-cidr", "fd00:42::/56"), Map.of(), List.of("'--cluster-cidr'", "IPv6 is not supported yet")),
                new Case("a --node-cidr-mask-size no longer than the cluster's prefix",
                        List.of("--cluster-cidr", "10.42.0.0/24", "--node-cidr-mask-size", "16"), Map.of(),
                        List.of("--node-cidr-mask-size 16 must be longer than the --cluster-cidr 10.42.0.0/24 prefix (/24)")),
                new Case("a --node-cidr-mask-size that would make more than 65536 node subnets",
                        List.of("--cluster-cidr", "10.0.0.0/8", "--node-cidr-mask-size", "28"), Map.of(),
                        List.of("--node-cidr-mask-size 28 would cut --cluster-cidr 10.0.0.0/8 into more than 65536 node subnets")),
                new Case("a --node-cidr-mask-size that is no number",
                        List.of("--node-cidr-mask-size", "/24"), Map.of(), List.of("'--node-cidr-mask-size'", "'/24' is not an int")),
                new Case("a misspelled flag gets a suggestion",
                        List.of("--data-dri", "/tmp/x"), Map.of(), List.of("Unknown options: '--data-dri'", "Possible solutions: --data-dir")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsExplainedWithExitCode2(Case c) {
        List<String> args = new ArrayList<>(List.of("server"));
        args.addAll(c.args());

        Cli cli = Cli.run(Cli.user(c.env()), args.toArray(String[]::new));

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).startsWith("outpost server: ").contains(c.messages())
                .contains("Run 'outpost server --help' for usage.")
                .doesNotContain("\tat ", "Exception");
    }

    @Test
    void aDataDirThatCannotBeCreatedNamesTheFlagAndTheFix(@TempDir Path tmp) throws IOException {
        // A folder under a file cannot be made even by root, whom permissions do not stop.
        Path file = Files.writeString(tmp.resolve("a-file"), "x");

        Cli cli = Cli.run("server", "--data-dir", file.resolve("data").toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("outpost server: --data-dir " + file.resolve("data") + ": cannot create it",
                "Fix: pass a folder this user may write in").doesNotContain("\tat ");
    }

    @Test
    void aTokenFileThatCannotBeReadNamesTheFlagAndTheFile(@TempDir Path tmp) {
        Path missing = tmp.resolve("tokens.csv");

        Cli cli = Cli.run("server", "--data-dir", tmp.resolve("data").toString(), "--token-auth-file", missing.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("outpost server: --token-auth-file: cannot read " + missing + ": no such file",
                "Fix the file, or leave the flag out").doesNotContain("\tat ");
    }

    @Test
    void aBadLineOfTheTokenFileIsNamed(@TempDir Path tmp) throws IOException {
        Path tokens = Files.writeString(tmp.resolve("tokens.csv"), "t1,alice,1\nt2-without-user\n");

        Cli cli = Cli.run("server", "--data-dir", tmp.resolve("data").toString(), "--token-auth-file", tokens.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--token-auth-file: " + tokens + " line 2: must have at least 3 columns").doesNotContain("\tat ");
    }

    @Test
    void aDataDirThatIsAFileNamesTheFlag(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");

        Cli cli = Cli.run(Cli.user(Map.of("OUTPOST_DATA_DIR", file.toString())), "server");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--data-dir " + file + ": cannot create it: " + file + ": it is a file, not a folder",
                "(the value came from OUTPOST_DATA_DIR)");
    }
}
