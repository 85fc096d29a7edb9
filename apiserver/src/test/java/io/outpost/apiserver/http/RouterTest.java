package io.outpost.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private static ApiHandler named(String name) {
        return request -> ApiResponse.text(200, name);
    }

    private static final Router ROUTER = Router.builder()
            .prefix("/apis", named("apis"))
            .prefix("/apis/apps", named("apps"))
            .exact("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", named("ssar"))
            .prefix("/readyz", named("readyz"))
            .build();

    @ParameterizedTest(name = "{0} goes to {1}")
    @CsvSource({
        "/apis, apis",
        "/apis/batch/v1/jobs, apis",
        "/apis/apps, apps",
        "/apis/apps/v1/namespaces/x/deployments, apps",
        "/apis/appsx, apis",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews, ssar",
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews, apis",
        "/readyz/ping, readyz",
        "/readyzz, 404",
        "/, 404",
    })
    void anExactPathWinsThenTheLongestPrefixOnASegmentBoundary(String path, String expected) throws Exception {
        ApiResponse.Full r = (ApiResponse.Full) ROUTER.handle(new ApiRequest("GET", path, Map.of(), Map.of(), new byte[0],
                new UserInfo("u", List.of())));

        assertThat(r.status() == 404 ? "404" : new String(r.body())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "mounting {0} twice is refused")
    @CsvSource({"/api", "/version"})
    void aSecondHandlerOnTheSamePathIsRefused(String path) {
        assertThatThrownBy(() -> Router.builder().prefix(path, named("a")).prefix(path, named("b")))
                .hasMessageContaining(path);
        assertThatThrownBy(() -> Router.builder().exact(path, named("a")).exact(path, named("b")))
                .hasMessageContaining(path);
    }
}
