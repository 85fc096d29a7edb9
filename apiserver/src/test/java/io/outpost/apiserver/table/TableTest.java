package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;

import io.outpost.api.GroupVersionKind;
import io.outpost.testing.FakeClock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class TableTest {

    static final GroupVersionKind POD = new GroupVersionKind("", "v1", "Pod");
    final FakeClock clock = new FakeClock(java.time.Instant.parse("2026-01-01T00:05:00Z"));

    static ObjectNode pod(String name, String rv) {
        return Json.object("{'metadata':{'name':'" + name + "','namespace':'default','resourceVersion':'" + rv + "',"
                + "'labels':{'app':'web'},'creationTimestamp':'2026-01-01T00:00:00Z'},"
                + "'spec':{'containers':[{'name':'app'}]},'status':{'phase':'Pending'}}");
    }

    @Test
    void aListTableCarriesListMetadataColumnsAndOneRowPerItemWithPartialObjectMetadata() {
        ObjectNode table = Table.of(new Table.Request(POD, "v1", IncludeObject.METADATA),
                List.of(pod("a", "7"), pod("b", "8")), new ListMeta("108", "tok", OptionalLong.of(3)), clock);

        assertThat(table.get("kind").asString()).isEqualTo("Table");
        assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.get("metadata").toString()).isEqualTo(
                "{\"resourceVersion\":\"108\",\"continue\":\"tok\",\"remainingItemCount\":3}");
        assertThat(table.get("columnDefinitions").get(0).toString()).startsWith(
                "{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"Name must be unique");
        assertThat(table.get("columnDefinitions").get(5).get("priority").asInt()).isEqualTo(1);
        assertThat(table.get("rows").get(1).get("cells").toString()).isEqualTo(
                "[\"b\",\"0/1\",\"Pending\",\"0\",\"5m\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
        ObjectNode object = (ObjectNode) table.get("rows").get(0).get("object");
        assertThat(object.get("kind").asString()).isEqualTo("PartialObjectMetadata");
        assertThat(object.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(object.get("metadata")).isEqualTo(pod("a", "7").get("metadata"));
    }

    @Test
    void anEmptyListHasAnEmptyRowsArrayAndEmptyMetadata() {
        ObjectNode table = Table.of(new Table.Request(POD, "v1", IncludeObject.METADATA), List.of(), ListMeta.of(""),
                clock);

        assertThat(table.get("rows").isArray()).isTrue();
        assertThat(table.get("rows").size()).isZero();
        assertThat(table.get("metadata").size()).isZero();
    }

    @Test
    void includeObjectObjectCarriesTheWholeObjectWithItsKindAndApiVersion() {
        ObjectNode table = Table.of(new Table.Request(POD, "v1beta1", IncludeObject.OBJECT), List.of(pod("a", "7")),
                ListMeta.of("9"), clock);

        ObjectNode object = (ObjectNode) table.get("rows").get(0).get("object");
        assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(object.get("kind").asString()).isEqualTo("Pod");
        assertThat(object.get("apiVersion").asString()).isEqualTo("v1");
        assertThat(object.get("spec")).isEqualTo(pod("a", "7").get("spec"));
    }

    @Test
    void includeObjectNoneLeavesTheObjectNull() {
        ObjectNode table = Table.of(new Table.Request(POD, "v1", IncludeObject.NONE), List.of(pod("a", "7")),
                ListMeta.of("9"), clock);

        assertThat(table.get("rows").get(0).get("object").isNull()).isTrue();
    }

    @Test
    void aWatchSendsColumnDefinitionsOnlyWithTheFirstEvent() {
        TableWatch watch = new TableWatch(new Table.Request(POD, "v1", IncludeObject.METADATA), clock);

        ObjectNode first = watch.next(pod("a", "7"));
        ObjectNode second = watch.next(pod("a", "8"));

        assertThat(first.get("columnDefinitions").size()).isEqualTo(9);
        assertThat(first.get("metadata").get("resourceVersion").asString()).isEqualTo("7");
        assertThat(second.get("columnDefinitions").isNull()).isTrue();
        assertThat(second.get("rows").size()).isEqualTo(1);
        assertThat(second.get("metadata").get("resourceVersion").asString()).isEqualTo("8");
    }

    @Test
    void aKindWithoutAPrinterGetsTheDefaultNameAndCreatedAtTable() {
        GroupVersionKind role = new GroupVersionKind("rbac.authorization.k8s.io", "v1", "Role");
        ObjectNode table = Table.of(new Table.Request(role, "v1", IncludeObject.NONE), List.of(pod("r", "1")),
                ListMeta.of("1"), clock);

        assertThat(table.get("columnDefinitions").get(1).get("name").asString()).isEqualTo("Created At");
        assertThat(table.get("columnDefinitions").get(1).get("type").asString()).isEqualTo("date");
        assertThat(table.get("rows").get(0).get("cells").toString()).isEqualTo("[\"r\",\"2026-01-01T00:00:00Z\"]");
    }

    @Test
    void aCompletedPodRowCarriesItsCondition() {
        ObjectNode done = pod("a", "1");
        done.withObject("status").put("phase", "Succeeded");
        ObjectNode table = Table.of(new Table.Request(POD, "v1", IncludeObject.NONE), List.of(done), ListMeta.of("1"),
                clock);

        assertThat(table.get("rows").get(0).get("conditions").toString()).isEqualTo("[{\"type\":\"Completed\","
                + "\"status\":\"True\",\"reason\":\"Succeeded\",\"message\":\"The pod has completed successfully.\"}]");
    }

    @Test
    void partialObjectMetadataListWrapsEachItem() {
        ObjectNode list = PartialObjectMetadata.list(List.of(pod("a", "1")), ListMeta.of("5"), "v1");

        assertThat(list.get("kind").asString()).isEqualTo("PartialObjectMetadataList");
        assertThat(list.get("metadata").get("resourceVersion").asString()).isEqualTo("5");
        assertThat(list.get("items").get(0).get("kind").asString()).isEqualTo("PartialObjectMetadata");
    }

    @Test
    void includeObjectParsesKubesValuesAndRefusesOthers() {
        assertThat(IncludeObject.parse(null)).contains(IncludeObject.METADATA);
        assertThat(IncludeObject.parse("Object")).contains(IncludeObject.OBJECT);
        assertThat(IncludeObject.parse("None")).contains(IncludeObject.NONE);
        assertThat(IncludeObject.parse("object")).isEmpty();
    }
}
