package io.outpost.apiserver.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What the CertificateSigningRequest strategies keep, set and refuse on create, update, status and approval. */
class CsrAdmissionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceType CSRS = ResourceTypes.builtIns().lookup("certificates.k8s.io", "v1",
            "certificatesigningrequests").orElseThrow();
    private static final UserInfo JOINER = new UserInfo("system:bootstrap:abcdef", List.of("system:bootstrappers", "system:authenticated"));
    private static final CsrAdmission ADMISSION = new CsrAdmission();

    static ObjectNode csr(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    static void admit(Operation op, String sub, ObjectNode object, ObjectNode old) {
        ADMISSION.admit(new AdmissionAttributes(op, CSRS, sub, "", "x", object, old, JOINER, false, null), new ArrayList<>());
    }

    @Test
    void theRequesterIsWhoAskedWhateverTheBodySays() {
        ObjectNode created = csr("""
                {"metadata":{"name":"x"},"spec":{"username":"system:node:admin","groups":["system:masters"],"extra":{"a":["b"]}},
                 "status":{"conditions":[{"type":"Approved","status":"True"}]}}""");
        admit(Operation.CREATE, "", created, null);
        assertThat(created.path("spec").path("username").asString()).isEqualTo("system:bootstrap:abcdef");
        assertThat(created.path("spec").path("groups")).isEqualTo(JSON.readTree("[\"system:bootstrappers\",\"system:authenticated\"]"));
        assertThat(created.path("spec").has("extra")).isFalse();
        assertThat(created.has("status")).as("a request cannot approve itself").isFalse();
    }

    @Test
    void anUpdateKeepsTheSpecAndTheStatus() {
        ObjectNode old = csr("{\"spec\":{\"signerName\":\"a/b\"},\"status\":{\"certificate\":\"Y2VydA==\"}}");
        ObjectNode updated = csr("{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"spec\":{\"signerName\":\"c/d\"}}");
        admit(Operation.UPDATE, "", updated, old);
        assertThat(updated.path("spec")).isEqualTo(old.path("spec"));
        assertThat(updated.path("status")).isEqualTo(old.path("status"));
        assertThat(updated.path("metadata").path("labels").path("x").asString()).isEqualTo("y");
    }

    @Test
    void theApprovalChangesOnlyTheConditions() {
        ObjectNode old = csr("{\"status\":{\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\"}]}}");
        ObjectNode approval = csr("""
                {"status":{"certificate":"Zm9yZ2Vk","conditions":[{"type":"Approved","status":"True","reason":"ByHand"}]}}""");
        admit(Operation.UPDATE, "approval", approval, old);
        assertThat(approval.path("status").has("certificate")).as("a certificate cannot come through approval").isFalse();
        assertThat(approval.path("status").path("conditions").findValuesAsString("type")).containsExactly("Approved", "Failed");
    }

    @Test
    void anApprovalOrDenialCannotBeTakenBack() {
        ObjectNode old = csr("{\"status\":{\"conditions\":[{\"type\":\"Denied\",\"status\":\"True\"}]}}");
        ObjectNode approval = csr("{\"status\":{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"}]}}");
        assertThatThrownBy(() -> admit(Operation.UPDATE, "approval", approval, old)).isInstanceOf(AdmissionDenied.class)
                .hasMessageContaining("status.conditions: Forbidden: updates may not remove a condition of type \"Denied\"");
    }

    @Test
    void theSignerCannotApproveNorIssueBeforeApprovalNorChangeAnIssuedCertificate() {
        ObjectNode pending = csr("{\"status\":{}}");
        ObjectNode early = csr("{\"status\":{\"certificate\":\"Y2VydA==\"}}");
        assertThatThrownBy(() -> admit(Operation.UPDATE, "status", early, pending)).isInstanceOf(AdmissionDenied.class)
                .hasMessageContaining("may only be set once the request is Approved");

        ObjectNode selfApproved = csr("{\"status\":{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"}]}}");
        admit(Operation.UPDATE, "status", selfApproved, pending);
        assertThat(selfApproved.path("status").has("conditions")).as("approval only through /approval").isFalse();

        ObjectNode issued = csr("""
                {"status":{"certificate":"Y2VydA==","conditions":[{"type":"Approved","status":"True"}]}}""");
        ObjectNode replaced = csr("""
                {"status":{"certificate":"b3RoZXI=","conditions":[{"type":"Approved","status":"True"}]}}""");
        assertThatThrownBy(() -> admit(Operation.UPDATE, "status", replaced, issued)).isInstanceOf(AdmissionDenied.class)
                .hasMessageContaining("updates may not modify a certificate");
    }
}
