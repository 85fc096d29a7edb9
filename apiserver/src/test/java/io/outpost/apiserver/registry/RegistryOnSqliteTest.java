package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;

/** Integration: the registry over the real SQLite store in a temporary directory: create, conflict, list, watch, delete, and a restart. */
class RegistryOnSqliteTest {

    @TempDir
    Path dir;

    @Test
    void theVerbsWorkOverSqliteAndSurviveARestart() throws Exception {
        Path file = dir.resolve("state.db");
        String rv;
        try (SqliteKvStore kv = SqliteKvStore.open(SqliteConfig.defaults(file))) {
            Harness h = new Harness(kv);
            assertThat(h.create(Fixtures.NAMESPACES, null, json("{'metadata':{'name':'edge'}}")).status()).isEqualTo(201);
            rv = h.create(Fixtures.CONFIGMAPS, "edge", json("{'metadata':{'name':'a'},'data':{'k':'1'}}")).rv();

            try (WatchClient w = new WatchClient(h.registry.handle(
                    Harness.request("GET", "watch=true&resourceVersion=" + rv, null, Map.of()), Target.collection(Fixtures.CONFIGMAPS, "edge")))) {
                Harness.Answer updated = h.put(Fixtures.CONFIGMAPS, "edge", "a",
                        json("{'metadata':{'name':'a','resourceVersion':'" + rv + "'},'data':{'k':'2'}}"));
                assertThat(updated.status()).isEqualTo(200);
                assertThat(h.put(Fixtures.CONFIGMAPS, "edge", "a",
                        json("{'metadata':{'name':'a','resourceVersion':'" + rv + "'},'data':{'k':'3'}}")).status()).isEqualTo(409);
                var event = w.next();
                assertThat(event.path("type").asString()).isEqualTo("MODIFIED");
                assertThat(event.path("object").path("metadata").path("resourceVersion").asString()).isEqualTo(updated.rv());
            }
            h.create(Fixtures.CONFIGMAPS, "edge", json("{'metadata':{'name':'b'}}"));
            Harness.Answer page = h.list(Fixtures.CONFIGMAPS, "edge", "limit=1");
            String token = page.body().path("metadata").path("continue").asString();
            assertThat(h.list(Fixtures.CONFIGMAPS, "edge", "limit=1&continue=" + token).body().path("items").get(0)
                    .path("metadata").path("name").asString()).isEqualTo("b");
            assertThat(h.delete(Fixtures.CONFIGMAPS, "edge", "b", null).status()).isEqualTo(200);
            h.registry.close();
        }
        try (SqliteKvStore kv = SqliteKvStore.open(SqliteConfig.defaults(file))) {
            Harness h = new Harness(kv);
            Harness.Answer a = h.get(Fixtures.CONFIGMAPS, "edge", "a");
            assertThat(a.body().path("data").path("k").asString()).isEqualTo("2");
            assertThat(h.get(Fixtures.CONFIGMAPS, "edge", "b").status()).isEqualTo(404);
            assertThat(h.get(Fixtures.NAMESPACES, null, "kube-system").status()).isEqualTo(200);
        }
    }
}
