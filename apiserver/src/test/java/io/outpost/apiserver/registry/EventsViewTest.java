package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.JsonNode;

/**
 * events.k8s.io/v1 Events as a view of core/v1 Events (kube's one {@code /registry/events}
 * storage seen in two schemas): every verb in either schema sees the same objects.
 */
class EventsViewTest {

    static final ResourceType CORE = Fixtures.EVENTS;
    static final ResourceType V1 = Fixtures.TYPES.lookup("events.k8s.io", "v1", "events").orElseThrow();

    /** An events.k8s.io/v1 Event as a client-go events recorder writes it. */
    static final String NEW_STYLE = "{'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'web.1','namespace':'default'},"
            + "'eventTime':'2026-11-25T19:24:17.958692Z','reportingController':'outpost.io/agent','reportingInstance':'agent-n1',"
            + "'action':'Start','reason':'Started','type':'Normal','note':'Started container c',"
            + "'regarding':{'apiVersion':'v1','kind':'Pod','namespace':'default','name':'web','uid':'u-1','fieldPath':'spec.containers{c}'}}";
    /** A core/v1 Event as client-go's legacy recorder (controllers, kubelet) writes it. */
    static final String OLD_STYLE = "{'apiVersion':'v1','kind':'Event','metadata':{'name':'rs.1','namespace':'default'},"
            + "'involvedObject':{'apiVersion':'apps/v1','kind':'ReplicaSet','namespace':'default','name':'rs','uid':'u-2'},"
            + "'reason':'SuccessfulCreate','message':'Created pod: rs-x','type':'Normal','count':1,"
            + "'firstTimestamp':'2026-11-25T19:24:17Z','lastTimestamp':'2026-11-25T19:24:17Z',"
            + "'source':{'component':'replicaset-controller'},'reportingComponent':'replicaset-controller','reportingInstance':''}";

    final Harness h = new Harness();

    @AfterEach
    void stop() {
        h.registry.close();
    }

    @Test
    void anEventCreatedInCoreIsReadThroughEventsV1WithItsFieldsRenamed() {
        Harness.Answer created = h.create(CORE, "default", json(OLD_STYLE));
        assertThat(created.status()).isEqualTo(201);

        JsonNode v1 = h.get(V1, "default", "rs.1").body();
        assertThat(v1.path("apiVersion").asString()).isEqualTo("events.k8s.io/v1");
        assertThat(v1.path("regarding").path("name").asString()).isEqualTo("rs");
        assertThat(v1.path("note").asString()).isEqualTo("Created pod: rs-x");
        assertThat(v1.path("deprecatedSource").path("component").asString()).isEqualTo("replicaset-controller");
        assertThat(v1.path("deprecatedCount").asInt()).isEqualTo(1);
        assertThat(v1.path("deprecatedFirstTimestamp").asString()).isEqualTo("2026-11-25T19:24:17Z");
        assertThat(v1.path("reportingController").asString()).isEqualTo("replicaset-controller");
        assertThat(v1.has("involvedObject") || v1.has("message") || v1.has("count")).isFalse();
        assertThat(v1.path("metadata").path("uid")).isEqualTo(created.body().path("metadata").path("uid"));
        assertThat(v1.path("metadata").path("resourceVersion")).isEqualTo(created.body().path("metadata").path("resourceVersion"));

        JsonNode list = h.list(V1, "default", "").body();
        assertThat(list.path("kind").asString()).isEqualTo("EventList");
        assertThat(list.path("apiVersion").asString()).isEqualTo("events.k8s.io/v1");
        assertThat(list.path("items").get(0).path("note").asString()).isEqualTo("Created pod: rs-x");
        assertThat(list.path("items").get(0).path("kind").asString()).isEqualTo("Event");
    }

    @Test
    void anEventCreatedInEventsV1IsStoredOnceAndReadThroughCore() {
        Harness.Answer created = h.create(V1, "default", json(NEW_STYLE));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("apiVersion").asString()).isEqualTo("events.k8s.io/v1");
        assertThat(created.body().path("note").asString()).isEqualTo("Started container c");

        JsonNode core = h.get(CORE, "default", "web.1").body();
        assertThat(core.path("apiVersion").asString()).isEqualTo("v1");
        assertThat(core.path("involvedObject").path("uid").asString()).isEqualTo("u-1");
        assertThat(core.path("message").asString()).isEqualTo("Started container c");
        assertThat(core.path("reportingComponent").asString()).isEqualTo("outpost.io/agent");
        assertThat(core.path("eventTime").asString()).isEqualTo("2026-11-25T19:24:17.958692Z");
        assertThat(h.kv.count(CORE.keyPrefix())).isEqualTo(1);
        assertThat(h.kv.count(V1.keyPrefix())).isZero();
        assertThat(h.create(CORE, "default", json(OLD_STYLE.replace("rs.1", "web.1"))).reason()).isEqualTo("AlreadyExists");
    }

    @Test
    void aWatchInOneSchemaSeesWritesInTheOther() throws Exception {
        String rv = h.create(CORE, "default", json(OLD_STYLE)).rv();
        try (WatchClient v1 = new WatchClient(h.registry.handle(Harness.request("GET", "watch=true&resourceVersion=" + rv, null, Map.of()),
                Target.collection(V1, "default")));
             WatchClient core = new WatchClient(h.registry.handle(Harness.request("GET", "watch=true&resourceVersion=" + rv, null, Map.of()),
                     Target.collection(CORE, "default")))) {
            h.create(V1, "default", json(NEW_STYLE));
            JsonNode added = core.next();
            assertThat(added.path("type").asString()).isEqualTo("ADDED");
            assertThat(added.path("object").path("message").asString()).isEqualTo("Started container c");
            JsonNode seen = v1.next();
            assertThat(seen.path("object").path("apiVersion").asString()).isEqualTo("events.k8s.io/v1");
            assertThat(seen.path("object").path("note").asString()).isEqualTo("Started container c");

            h.delete(CORE, "default", "web.1", null);
            JsonNode deleted = v1.next();
            assertThat(deleted.path("type").asString()).isEqualTo("DELETED");
            assertThat(deleted.path("object").path("regarding").path("name").asString()).isEqualTo("web");
        }
    }

    record Selected(String name, ResourceType type, String selector, List<String> names) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Selected> selectors() {
        return Stream.of(
                new Selected("events.k8s.io selects by regarding.name", V1, "regarding.name=web", List.of("web.1")),
                new Selected("events.k8s.io selects by regarding.kind and uid", V1, "regarding.kind=ReplicaSet,regarding.uid=u-2", List.of("rs.1")),
                new Selected("events.k8s.io selects by reportingController", V1, "reportingController=outpost.io/agent", List.of("web.1")),
                new Selected("events.k8s.io selects by type and reason", V1, "type=Normal,reason!=Started", List.of("rs.1")),
                new Selected("core selects an events.k8s.io event by involvedObject", CORE,
                        "involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u-1", List.of("web.1")),
                new Selected("core's source falls back to the reporting component of a new-style event", CORE,
                        "source=outpost.io/agent", List.of("web.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selectors")
    void fieldSelectorsWorkInBothSchemas(Selected c) {
        h.create(CORE, "default", json(OLD_STYLE));
        h.create(V1, "default", json(NEW_STYLE));
        Harness.Answer list = h.list(c.type(), "default", "fieldSelector=" + c.selector());
        assertThat(list.status()).as(list.body().toString()).isEqualTo(200);
        assertThat(list.body().path("items").valueStream().map(i -> i.path("metadata").path("name").asString()).toList())
                .isEqualTo(c.names());
    }

    @Test
    void aListThroughEventsV1PagesWithTheStoragesContinueTokens() {
        h.create(CORE, "default", json(OLD_STYLE));
        h.create(V1, "default", json(NEW_STYLE));
        Harness.Answer first = h.list(V1, "default", "limit=1");
        assertThat(first.body().path("items")).hasSize(1);
        String token = first.body().path("metadata").path("continue").asString("");
        assertThat(token).isNotEmpty();
        Harness.Answer second = h.list(V1, "default", "limit=1&continue=" + token);
        assertThat(second.status()).as(second.body().toString()).isEqualTo(200);
        assertThat(second.body().path("items").get(0).path("metadata").path("name").asString()).isEqualTo("web.1");
        assertThat(second.body().path("metadata").path("resourceVersion")).isEqualTo(first.body().path("metadata").path("resourceVersion"));
    }

    @Test
    void aCoreFieldLabelIsNotSupportedThroughEventsV1() {
        Harness.Answer a = h.list(V1, "default", "fieldSelector=involvedObject.name=web");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.message()).isEqualTo("field label not supported: involvedObject.name");
    }

    record Invalid(String name, ResourceType type, String body, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("events.k8s.io needs an eventTime", V1, NEW_STYLE.replace("'eventTime':'2026-11-25T19:24:17.958692Z',", ""),
                        "Event.events.k8s.io \"web.1\" is invalid: eventTime: Required value"),
                new Invalid("events.k8s.io takes only Normal and Warning", V1, NEW_STYLE.replace("'Normal'", "'Info'"),
                        "Event.events.k8s.io \"web.1\" is invalid: type: Invalid value: \"\": has invalid value: Info"),
                new Invalid("events.k8s.io refuses the deprecated count", V1, NEW_STYLE.replace("'note'", "'deprecatedCount':3,'note'"),
                        "Event.events.k8s.io \"web.1\" is invalid: count: Invalid value: \"\": needs to be unset"),
                new Invalid("events.k8s.io wants a series of at least two", V1,
                        NEW_STYLE.replace("'note'", "'series':{'count':1,'lastObservedTime':'2026-11-25T19:25:00.000000Z'},'note'"),
                        "Event.events.k8s.io \"web.1\" is invalid: series.count: Invalid value: \"\": should be at least 2"),
                new Invalid("events.k8s.io still applies the legacy rules", V1, NEW_STYLE.replace("'action':'Start',", ""),
                        "Event.events.k8s.io \"web.1\" is invalid: action: Required value"),
                new Invalid("core applies the legacy rules only", CORE, OLD_STYLE.replace("'namespace':'default','name':'rs'", "'namespace':'other','name':'rs'"),
                        "Event \"rs.1\" is invalid: involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void eachSchemaKeepsKubesValidation(Invalid c) {
        Harness.Answer a = h.create(c.type(), "default", json(c.body()));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(422);
        assertThat(a.message()).isEqualTo(c.message());
        assertThat(h.kv.count(CORE.keyPrefix())).isZero();
    }

    @Test
    void anOldStyleEventIsValidThroughCore() {
        assertThat(h.create(CORE, "default", json(OLD_STYLE)).status()).isEqualTo(201);
    }

    @Test
    void aFieldOnlyCoreHasIsUnknownThroughEventsV1() {
        Harness.Answer a = h.call("POST", Target.collection(V1, "default"), "fieldValidation=Strict",
                json(NEW_STYLE.replace("'note'", "'message':'x','note'")));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.message()).contains("unknown field \"message\"");
    }

    @Test
    void anEventTimeWithNanosecondsIsABadRequestInBothSchemas() {
        for (ResourceType type : List.of(V1, CORE)) {
            String body = type == V1 ? NEW_STYLE : OLD_STYLE.replace("'reason'", "'eventTime':'x','reason'");
            Harness.Answer a = h.create(type, "default", json(body.replace("2026-11-25T19:24:17.958692Z", "2026-11-25T19:24:17.958692374Z")
                    .replace("'eventTime':'x'", "'eventTime':'2026-11-25T19:24:17.958692374Z'")));
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.message()).contains("parsing time \"2026-11-25T19:24:17.958692374Z\" as \"2006-01-02T15:04:05.000000Z07:00\"");
        }
    }

    @Test
    void anUpdateThroughEventsV1MayChangeOnlyTheSeriesAndMetadata() {
        String created = h.create(V1, "default", json(NEW_STYLE)).body().toString();
        Harness.Answer note = h.put(V1, "default", "web.1", created.replace("Started container c", "something else"));
        assertThat(note.status()).isEqualTo(422);
        assertThat(note.message()).startsWith("Event.events.k8s.io \"web.1\" is invalid: message: Invalid value: \"something else\": field is immutable");

        Harness.Answer series = h.put(V1, "default", "web.1", created.replace("\"note\"",
                "\"series\":{\"count\":2,\"lastObservedTime\":\"2026-11-25T19:30:00.000000Z\"},\"note\""));
        assertThat(series.status()).as(series.body().toString()).isEqualTo(200);
        assertThat(h.get(CORE, "default", "web.1").body().path("series").path("count").asInt()).isEqualTo(2);

        // core/v1 keeps the old rules: a recorder bumps count and message there
        String core = h.get(CORE, "default", "web.1").body().toString();
        assertThat(h.put(CORE, "default", "web.1", core.replace("Started container c", "something else")).status()).isEqualTo(200);
    }

    @Test
    void aPatchThroughEventsV1IsAppliedInItsSchema() {
        h.create(CORE, "default", json(OLD_STYLE));
        Harness.Answer merge = h.patch(V1, "default", "rs.1", "application/merge-patch+json", "",
                json("{'metadata':{'labels':{'seen':'yes'}}}"));
        assertThat(merge.status()).as(merge.body().toString()).isEqualTo(200);
        assertThat(merge.body().path("note").asString()).isEqualTo("Created pod: rs-x");
        assertThat(h.get(CORE, "default", "rs.1").body().path("metadata").path("labels").path("seen").asString()).isEqualTo("yes");

        Harness.Answer jsonPatch = h.patch(V1, "default", "rs.1", "application/json-patch+json", "",
                json("[{'op':'replace','path':'/note','value':'changed'}]"));
        assertThat(jsonPatch.status()).isEqualTo(422);
        assertThat(jsonPatch.message()).contains("message: Invalid value: \"changed\": field is immutable");

        Harness.Answer missing = h.patch(V1, "default", "nope", "application/merge-patch+json", "", "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("events.events.k8s.io \"nope\" not found");
        assertThat(missing.body().path("details").path("group").asString()).isEqualTo("events.k8s.io");
    }

    @Test
    void aServerSideApplyThroughEventsV1CreatesTheCoreEvent() {
        Harness.Answer a = h.patch(V1, "default", "web.1", "application/apply-patch+yaml", "fieldManager=test", json(NEW_STYLE));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        assertThat(a.body().path("note").asString()).isEqualTo("Started container c");
        assertThat(h.get(CORE, "default", "web.1").body().path("message").asString()).isEqualTo("Started container c");

        Harness.Answer again = h.patch(V1, "default", "web.1", "application/apply-patch+yaml", "fieldManager=test",
                json(NEW_STYLE.replace("'note'", "'series':{'count':2,'lastObservedTime':'2026-11-25T19:30:00.000000Z'},'note'")));
        assertThat(again.status()).as(again.body().toString()).isEqualTo(200);
        assertThat(again.body().path("series").path("count").asInt()).isEqualTo(2);

        Harness.Answer changed = h.patch(V1, "default", "web.1", "application/apply-patch+yaml", "fieldManager=test",
                json(NEW_STYLE.replace("Started container c", "changed")));
        assertThat(changed.status()).isEqualTo(422);
        assertThat(changed.message()).contains("message: Invalid value: \"changed\": field is immutable");
        Harness.Answer invalid = h.patch(V1, "default", "other.1", "application/apply-patch+yaml", "fieldManager=test",
                json(NEW_STYLE.replace("web.1", "other.1").replace("'type':'Normal',", "")));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.message()).contains("type: Invalid value: \"\": has invalid value: ");
        assertThat(h.get(CORE, "default", "other.1").status()).isEqualTo(404);
    }

    @Test
    void deletesThroughEitherSchemaRemoveTheOneObject() {
        h.create(CORE, "default", json(OLD_STYLE));
        h.create(V1, "default", json(NEW_STYLE));
        Harness.Answer one = h.delete(V1, "default", "rs.1", null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("details").path("group").asString()).isEqualTo("events.k8s.io");
        assertThat(h.get(CORE, "default", "rs.1").status()).isEqualTo(404);

        Harness.Answer collection = h.call("DELETE", Target.collection(V1, "default"), "fieldSelector=regarding.name=web", null);
        assertThat(collection.status()).isEqualTo(200);
        assertThat(collection.body().path("items").get(0).path("note").asString()).isEqualTo("Started container c");
        assertThat(h.kv.count(CORE.keyPrefix())).isZero();
    }

    @Test
    void eventsStoredApartByAnEarlierVersionAreMovedToTheSharedStorageAtStart() {
        InMemoryKvStore kv = new InMemoryKvStore(new FakeClock());
        // what an earlier server stored: an events.k8s.io event under its own key, and an agent's
        // core event with a nanosecond eventTime no Go client can decode
        kv.create(V1.key("default", "web.1"), json(NEW_STYLE.replace("'name':'web.1'", "'name':'web.1','uid':'u-old'"))
                .getBytes(StandardCharsets.UTF_8));
        kv.create(CORE.key("default", "agent.1"), json(OLD_STYLE.replace("rs.1", "agent.1")
                .replace("'reason'", "'eventTime':'2026-11-25T19:24:17.958692374Z','reportingInstance':'i','action':'a','reason'")
                .replace(",'reportingInstance':''", "")).getBytes(StandardCharsets.UTF_8));
        Harness started = new Harness(kv);
        try {
            assertThat(kv.count(V1.keyPrefix())).isZero();
            JsonNode moved = started.get(CORE, "default", "web.1").body();
            assertThat(moved.path("message").asString()).isEqualTo("Started container c");
            assertThat(moved.path("metadata").path("uid").asString()).isEqualTo("u-old");
            assertThat(started.get(V1, "default", "web.1").body().path("note").asString()).isEqualTo("Started container c");
            assertThat(started.get(CORE, "default", "agent.1").body().path("eventTime").asString()).isEqualTo("2026-11-25T19:24:17.958692Z");
        } finally {
            started.registry.close();
        }
    }
}
