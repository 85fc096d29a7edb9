package io.outpost.apiserver.patch;

import static io.outpost.apiserver.patch.StrategicMergePatchTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class PatchesTest {

    private static final String POD = "{'metadata':{'name':'web-1','resourceVersion':'152','labels':{'app':'web','tier':'front'}},"
            + "'spec':{'containers':[{'name':'a','image':'nginx'}]}}";

    record Case(String description, PatchType type, String live, String patch, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("kubectl label adds a label with a merge patch", PatchType.MERGE_PATCH, POD,
                        "{'metadata':{'labels':{'k':'v'}}}",
                        "{'metadata':{'name':'web-1','resourceVersion':'152','labels':{'app':'web','tier':'front','k':'v'}},"
                                + "'spec':{'containers':[{'name':'a','image':'nginx'}]}}"),
                new Case("kubectl label k- removes the label with null", PatchType.MERGE_PATCH, POD,
                        "{'metadata':{'labels':{'tier':null}}}",
                        "{'metadata':{'name':'web-1','resourceVersion':'152','labels':{'app':'web'}},"
                                + "'spec':{'containers':[{'name':'a','image':'nginx'}]}}"),
                new Case("kubectl scale sets the replicas of the Scale", PatchType.MERGE_PATCH,
                        "{'kind':'Scale','apiVersion':'autoscaling/v1','metadata':{'name':'x'},'spec':{'replicas':2},"
                                + "'status':{'replicas':2,'selector':'app=x'}}",
                        "{'spec':{'replicas':4}}",
                        "{'kind':'Scale','apiVersion':'autoscaling/v1','metadata':{'name':'x'},'spec':{'replicas':4},"
                                + "'status':{'replicas':2,'selector':'app=x'}}"),
                new Case("A merge patch replaces lists whole", PatchType.MERGE_PATCH, POD,
                        "{'spec':{'containers':[{'name':'b'}]}}",
                        "{'metadata':{'name':'web-1','resourceVersion':'152','labels':{'app':'web','tier':'front'}},"
                                + "'spec':{'containers':[{'name':'b'}]}}"),
                new Case("A merge patch drops the nulls inside a new object (RFC 7386)", PatchType.MERGE_PATCH,
                        "{'a':1}", "{'b':{'c':null,'d':2}}", "{'a':1,'b':{'d':2}}"),
                new Case("A merge patch that is an array replaces the document", PatchType.MERGE_PATCH,
                        "{'a':1}", "[1]", "[1]"),
                new Case("kubectl's managedFields migration replaces managedFields and resourceVersion", PatchType.JSON_PATCH,
                        "{'metadata':{'name':'ssa-demo','resourceVersion':'153','managedFields':[{'manager':'kubectl-client-side-apply',"
                                + "'operation':'Update','apiVersion':'apps/v1','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{}}}]}}",
                        "[{'op':'replace','path':'/metadata/managedFields','value':[{'manager':'kubectl','operation':'Apply',"
                                + "'apiVersion':'apps/v1','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{}}}]},"
                                + "{'op':'replace','path':'/metadata/resourceVersion','value':'153'}]",
                        "{'metadata':{'name':'ssa-demo','resourceVersion':'153','managedFields':[{'manager':'kubectl',"
                                + "'operation':'Apply','apiVersion':'apps/v1','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{}}}]}}"),
                new Case("JSON patch add, remove, move, copy and a passing test run in order", PatchType.JSON_PATCH,
                        "{'a':{'b':1},'l':[1,2]}",
                        "[{'op':'test','path':'/a/b','value':1},{'op':'add','path':'/l/-','value':3},{'op':'remove','path':'/l/0'},"
                                + "{'op':'copy','from':'/a','path':'/c'},{'op':'move','from':'/a/b','path':'/d'}]",
                        "{'a':{},'l':[2,3],'c':{'b':1},'d':1}"),
                new Case("JSON pointers unescape ~1 and ~0", PatchType.JSON_PATCH,
                        "{'metadata':{'labels':{'app.kubernetes.io/name':'x','a~b':'y'}}}",
                        "[{'op':'replace','path':'/metadata/labels/app.kubernetes.io~1name','value':'z'},"
                                + "{'op':'remove','path':'/metadata/labels/a~0b'}]",
                        "{'metadata':{'labels':{'app.kubernetes.io/name':'z'}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appliesThePatch(Case c) {
        JsonNode live = json(c.live());

        JsonNode result = apply(c.type(), live, c.patch());

        assertThat(result).isEqualTo(json(c.expected()));
        assertThat(live).as("the live tree is untouched").isEqualTo(json(c.live()));
    }

    record Refusal(String description, PatchType type, String patch, int code, String reason, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Refusal> refusals() {
        String rejected = "the server rejected our request due to an error in our request";
        String manyOps = IntStream.range(0, JsonPatches.MAX_OPERATIONS + 1)
                .mapToObj(i -> "{'op':'test','path':'/a','value':1}").collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                new Refusal("A failing JSON patch test is unprocessable", PatchType.JSON_PATCH,
                        "[{'op':'test','path':'/metadata/resourceVersion','value':'1'}]", 422, "Invalid", rejected),
                new Refusal("A JSON patch to a path that does not exist is unprocessable", PatchType.JSON_PATCH,
                        "[{'op':'replace','path':'/spec/nope/x','value':1}]", 422, "Invalid", rejected),
                new Refusal("Removing a missing key is unprocessable", PatchType.JSON_PATCH,
                        "[{'op':'remove','path':'/metadata/nope'}]", 422, "Invalid", rejected),
                new Refusal("An unknown JSON patch op is unprocessable", PatchType.JSON_PATCH,
                        "[{'op':'frob','path':'/a'}]", 422, "Invalid", rejected),
                new Refusal("A JSON patch that is not an array is a bad request", PatchType.JSON_PATCH,
                        "{'op':'add'}", 400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
                new Refusal("A JSON patch of more than 10000 operations is too large", PatchType.JSON_PATCH, manyOps, 413,
                        "RequestEntityTooLarge", "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"),
                new Refusal("A merge patch of null is a bad request", PatchType.MERGE_PATCH, "null", 400, "BadRequest", "Invalid JSON Patch"),
                new Refusal("A body that is not JSON is a bad request", PatchType.MERGE_PATCH, "{'a':", 400, "BadRequest", null),
                new Refusal("Trailing content after the patch is a bad request", PatchType.MERGE_PATCH, "{} {}", 400, "BadRequest", null),
                new Refusal("An empty body is a bad request", PatchType.STRATEGIC_MERGE_PATCH, "", 400, "BadRequest",
                        "the request body is empty: a patch is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesAsKubeDoes(Refusal r) {
        assertThatThrownBy(() -> apply(r.type(), json(POD), r.patch()))
                .isInstanceOfSatisfying(PatchException.class, e -> {
                    assertThat(e.code()).isEqualTo(r.code());
                    assertThat(e.reason()).isEqualTo(r.reason());
                    if (r.message() != null) {
                        assertThat(e.getMessage()).isEqualTo(r.message());
                    }
                    assertThat(e.detail()).isNotBlank();
                });
    }

    record ContentType(String description, String header, boolean strategic, PatchType expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<ContentType> contentTypes() {
        return Stream.of(
                new ContentType("kubectl apply's strategic merge patch", "application/strategic-merge-patch+json", true,
                        PatchType.STRATEGIC_MERGE_PATCH),
                new ContentType("kubectl label's merge patch", "application/merge-patch+json", true, PatchType.MERGE_PATCH),
                new ContentType("A JSON patch with a charset parameter", "application/json-patch+json; charset=utf-8", false,
                        PatchType.JSON_PATCH),
                new ContentType("Server-side apply", "application/apply-patch+yaml", true, PatchType.APPLY_PATCH_YAML));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contentTypes")
    void parsesTheContentType(ContentType c) {
        assertThat(PatchType.ofContentType(c.header(), c.strategic())).isEqualTo(c.expected());
    }

    @Test
    void plainJsonIsNoPatchTypeAndGets415ListingTheAcceptedTypes() {
        assertThatThrownBy(() -> PatchType.ofContentType("application/json", true))
                .isInstanceOfSatisfying(PatchException.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.reason()).isEqualTo("UnsupportedMediaType");
                    assertThat(e.getMessage()).isEqualTo("the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, "
                            + "application/apply-patch+yaml");
                });
    }

    @Test
    void aStrategicMergePatchOfACustomResourceGets415() {
        assertThatThrownBy(() -> PatchType.ofContentType("application/strategic-merge-patch+json", false))
                .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.getMessage()).endsWith(
                        "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"));
    }

    @Test
    void serverSideApplyIsNotAppliedAsAPatch() {
        assertThatThrownBy(() -> apply(PatchType.APPLY_PATCH_YAML, json(POD), "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode apply(PatchType type, JsonNode live, String patch) {
        return Patches.apply(type, live, patch.replace('\'', '"').getBytes(StandardCharsets.UTF_8), PatchStrategies.NONE);
    }
}
