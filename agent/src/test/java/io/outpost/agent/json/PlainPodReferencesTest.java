package io.outpost.agent.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.outpost.api.Codec;
import io.outpost.tunnel.JsonTree;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;
import io.outpost.tunnel.PodReferences;

/**
 * The agent finds a pod's ConfigMaps and Secrets in the plain values jackson-jr parses the pod into;
 * the server in its databind tree. One walk ({@link PodReferences}) over both must give one answer,
 * or the agent would drop an object the server still sends, or keep one it no longer does.
 */
class PlainPodReferencesTest {

    private static final Codec CODEC = new Codec();

    static Stream<Corpus.Entry> pods() {
        return Corpus.pods();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void theAgentsReadingAndTheServersAgree(Corpus.Entry e) {
        assertThat(PodReferences.of(JsonTree.ofPlain(AgentJson.plain(e.json())))).isEqualTo(PodReferences.of(CODEC.json().readTree(e.json())));
    }

    @Test
    void theRichPodReferencesEveryConfigMapAndSecretItNames() {
        var refs = PodReferences.of(JsonTree.ofPlain(AgentJson.plain(Corpus.pods().findFirst().orElseThrow().json())));

        assertThat(refs).containsExactlyInAnyOrder(cm("web-config"), cm("web-env"), cm("shared-config"), secret("db"), secret("api"),
                secret("web-secrets"), secret("web-tls"), secret("shared-secret"), secret("registry-cred"));
    }

    private static ObjectRef cm(String name) {
        return new ObjectRef(ObjectKind.CONFIG_MAP, "shop", name);
    }

    private static ObjectRef secret(String name) {
        return new ObjectRef(ObjectKind.SECRET, "shop", name);
    }
}
