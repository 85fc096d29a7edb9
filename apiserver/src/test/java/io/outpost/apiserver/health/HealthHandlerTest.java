package io.outpost.apiserver.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.UserInfo;

class HealthHandlerTest {

    private final AtomicBoolean datastoreUp = new AtomicBoolean(true);
    private final Router router;

    HealthHandlerTest() {
        Router.Builder b = Router.builder();
        new HealthHandler(List.of(new HealthCheck("datastore", datastoreUp::get))).mountOn(b);
        router = b.build();
    }

    private ApiResponse.Full get(String url) throws Exception {
        QueryStringDecoder d = new QueryStringDecoder(url);
        return (ApiResponse.Full) router.handle(new ApiRequest("GET", d.path(), d.parameters(), Map.of(), new byte[0],
                new UserInfo("system:anonymous", List.of())));
    }

    private static String body(ApiResponse.Full r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void eachEndpointAnswersOkWhenHealthy() throws Exception {
        for (String path : List.of("/livez", "/readyz", "/healthz")) {
            ApiResponse.Full r = get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(body(r)).as(path).isEqualTo("ok");
            assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8");
        }
    }

    @Test
    void verboseListsEachCheckInKubesFormat() throws Exception {
        assertThat(body(get("/readyz?verbose"))).isEqualTo("[+]ping ok\n[+]datastore ok\nreadyz check passed\n");
        assertThat(body(get("/livez?verbose"))).isEqualTo("[+]ping ok\nlivez check passed\n");
    }

    @Test
    void aFailingDatastoreFailsReadinessButNotLiveness() throws Exception {
        datastoreUp.set(false);

        ApiResponse.Full ready = get("/readyz");
        assertThat(ready.status()).isEqualTo(500);
        assertThat(body(ready)).isEqualTo("[+]ping ok\n[-]datastore failed: reason withheld\nreadyz check failed\n");
        assertThat(get("/livez").status()).isEqualTo(200);
        assertThat(get("/readyz/datastore").status()).isEqualTo(500);
        assertThat(get("/readyz/ping").status()).isEqualTo(200);
    }

    @Test
    void anExcludedCheckIsReportedAsExcluded() throws Exception {
        datastoreUp.set(false);

        ApiResponse.Full r = get("/readyz?verbose&exclude=datastore&exclude=nope");
        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r)).isEqualTo("[+]ping ok\n[+]datastore excluded: ok\n"
                + "warn: some health checks cannot be excluded: no matches for \"nope\"\nreadyz check passed\n");
    }

    @Test
    void anUnknownCheckOrEndpointIsNotFound() throws Exception {
        assertThat(get("/readyz/nope").status()).isEqualTo(404);
        assertThat(get("/readyzz").status()).isEqualTo(404);
    }
}
