package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.registry.ValidationTest.Case;

/** Jobs, CronJobs, ReplicaSets, StatefulSets and DaemonSets: kube's 422 answers, defaults and what may not change. */
class WorkloadValidationTest {

    static final String C = ValidationTest.C;
    static final String T = ValidationTest.T;
    /** A Job's pod template: restartPolicy Never, no selector (it is generated). */
    static final String JOB_TEMPLATE = "'template':{'spec':{'restartPolicy':'Never'," + C + "}}";
    static final String JOB = "{'metadata':{'name':'j'},'spec':{" + JOB_TEMPLATE + "}}";
    static final String CRON = "{'metadata':{'name':'c'},'spec':{'schedule':'@hourly','jobTemplate':{'spec':{" + JOB_TEMPLATE + "}}}}";

    static Stream<Case> invalid() {
        return Stream.of(
                new Case("A job whose pods would restart Always is invalid", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'template':{'spec':{" + C + "}}}}",
                        "Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
                        "spec.template.spec.restartPolicy", "FieldValueRequired"),
                new Case("A job with negative parallelism is invalid", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'parallelism':-1," + JOB_TEMPLATE + "}}",
                        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0", "spec.parallelism", "FieldValueInvalid"),
                new Case("An unknown completion mode is not supported", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'completionMode':'Sometimes'," + JOB_TEMPLATE + "}}",
                        "spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"",
                        "spec.completionMode", "FieldValueNotSupported"),
                new Case("An indexed job needs completions", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'completionMode':'Indexed','parallelism':2," + JOB_TEMPLATE + "}}",
                        "spec.completions: Required value: when completion mode is Indexed", "spec.completions", "FieldValueRequired"),
                new Case("A pod failure policy rule needs an action", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'onExitCodes':{'operator':'In','values':[1]}}]}," + JOB_TEMPLATE + "}}",
                        "spec.podFailurePolicy.rules[0].action: Required value: valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]",
                        "spec.podFailurePolicy.rules[0].action", "FieldValueRequired"),
                new Case("A pod failure policy rule needs exit codes or pod conditions", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'FailJob'}]}," + JOB_TEMPLATE + "}}",
                        "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
                        "spec.podFailurePolicy.rules[0]", "FieldValueInvalid"),
                new Case("Exit code 0 cannot be In a rule", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'FailJob','onExitCodes':{'operator':'In','values':[0,3]}}]}," + JOB_TEMPLATE + "}}",
                        "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator",
                        "spec.podFailurePolicy.rules[0].onExitCodes.values[0]", "FieldValueInvalid"),
                new Case("Exit codes must be ordered", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'Ignore','onExitCodes':{'operator':'NotIn','values':[3,1]}}]}," + JOB_TEMPLATE + "}}",
                        "must be ordered", "spec.podFailurePolicy.rules[0].onExitCodes.values", "FieldValueInvalid"),
                new Case("A rule's container must be in the template", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'Count','onExitCodes':{'containerName':'ghost','operator':'In','values':[1]}}]}," + JOB_TEMPLATE + "}}",
                        "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"ghost\": must be one of the container or initContainer names in the pod template",
                        "spec.podFailurePolicy.rules[0].onExitCodes.containerName", "FieldValueInvalid"),
                new Case("FailIndex needs backoffLimitPerIndex", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'FailIndex','onPodConditions':[{'type':'DisruptionTarget'}]}]}," + JOB_TEMPLATE + "}}",
                        "spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set",
                        "spec.podFailurePolicy.rules[0].action", "FieldValueInvalid"),
                new Case("A pod failure policy needs restartPolicy Never", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'podFailurePolicy':{'rules':[{'action':'Ignore','onPodConditions':[{'type':'DisruptionTarget'}]}]},"
                                + JOB_TEMPLATE.replace("Never", "OnFailure") + "}}",
                        "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified",
                        "spec.template.spec.restartPolicy", "FieldValueInvalid"),
                new Case("backoffLimitPerIndex needs Indexed completion", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'backoffLimitPerIndex':1," + JOB_TEMPLATE + "}}",
                        "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode", "spec.backoffLimitPerIndex", "FieldValueInvalid"),
                new Case("maxFailedIndexes needs backoffLimitPerIndex", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'completionMode':'Indexed','completions':3,'maxFailedIndexes':1," + JOB_TEMPLATE + "}}",
                        "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified", "spec.backoffLimitPerIndex", "FieldValueRequired"),
                new Case("maxFailedIndexes may not exceed completions", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'completionMode':'Indexed','completions':3,'backoffLimitPerIndex':1,'maxFailedIndexes':4," + JOB_TEMPLATE + "}}",
                        "spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions", "spec.maxFailedIndexes", "FieldValueInvalid"),
                new Case("A manual selector must be given", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'manualSelector':true," + JOB_TEMPLATE + "}}",
                        "spec.selector: Required value", "spec.selector", "FieldValueRequired"),
                new Case("A selector that is not generated is refused without manualSelector", Fixtures.JOBS,
                        "{'metadata':{'name':'j'},'spec':{'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'restartPolicy':'Never'," + C + "}}}}",
                        "`selector` not auto-generated", "spec.selector", "FieldValueInvalid"),
                new Case("A cron job needs a schedule", Fixtures.CRONJOBS, CRON.replace("'schedule':'@hourly',", ""),
                        "CronJob.batch \"c\" is invalid: spec.schedule: Required value", "spec.schedule", "FieldValueRequired"),
                new Case("A cron job's schedule must parse", Fixtures.CRONJOBS, CRON.replace("@hourly", "61 * * * *"),
                        "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61", "spec.schedule", "FieldValueInvalid"),
                new Case("A time zone belongs in timeZone, not the schedule", Fixtures.CRONJOBS, CRON.replace("@hourly", "TZ=UTC 0 * * * *"),
                        "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                        "spec.schedule", "FieldValueInvalid"),
                new Case("An unknown time zone is invalid", Fixtures.CRONJOBS, CRON.replace("'schedule'", "'timeZone':'Mars/Olympus','schedule'"),
                        "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus", "spec.timeZone", "FieldValueInvalid"),
                new Case("A cron job name longer than 52 characters is invalid", Fixtures.CRONJOBS, CRON.replace("'name':'c'", "'name':'" + "c".repeat(53) + "'"),
                        "metadata.name: Invalid value: \"" + "c".repeat(53) + "\": must be no more than 52 characters", "metadata.name", "FieldValueInvalid"),
                new Case("An unknown concurrency policy is not supported", Fixtures.CRONJOBS, CRON.replace("'schedule'", "'concurrencyPolicy':'Sometimes','schedule'"),
                        "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
                        "spec.concurrencyPolicy", "FieldValueNotSupported"),
                new Case("A cron job's job template is validated as a job", Fixtures.CRONJOBS, CRON.replace("'restartPolicy':'Never',", ""),
                        "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
                        "spec.jobTemplate.spec.template.spec.restartPolicy", "FieldValueRequired"),
                new Case("A replica set without a selector is invalid", Fixtures.REPLICASETS,
                        "{'metadata':{'name':'r'},'spec':{'template':{'metadata':{'labels':{'app':'x'}},'spec':{" + C + "}}}}",
                        "ReplicaSet.apps \"r\" is invalid: spec.selector: Required value", "spec.selector", "FieldValueRequired"),
                new Case("A replica set's pods must restart Always", Fixtures.REPLICASETS,
                        "{'metadata':{'name':'r'},'spec':{" + T.replace("'spec':{", "'spec':{'restartPolicy':'Never',") + "}}",
                        "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
                        "spec.template.spec.restartPolicy", "FieldValueNotSupported"),
                new Case("A stateful set with negative replicas is invalid", Fixtures.STATEFULSETS, "{'metadata':{'name':'s'},'spec':{'replicas':-1," + T + "}}",
                        "spec.replicas: Invalid value: -1: must be greater than or equal to 0", "spec.replicas", "FieldValueInvalid"),
                new Case("A stateful set's service name must be a DNS label", Fixtures.STATEFULSETS,
                        "{'metadata':{'name':'s'},'spec':{'serviceName':'A.b'," + T + "}}",
                        "spec.serviceName: Invalid value: \"A.b\": a lowercase RFC 1123 label", "spec.serviceName", "FieldValueInvalid"),
                new Case("An unknown pod management policy is invalid", Fixtures.STATEFULSETS,
                        "{'metadata':{'name':'s'},'spec':{'podManagementPolicy':'Random'," + T + "}}",
                        "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'", "spec.podManagementPolicy", "FieldValueInvalid"),
                new Case("A daemon set with an empty selector is invalid", Fixtures.DAEMONSETS,
                        "{'metadata':{'name':'d'},'spec':{'selector':{},'template':{'metadata':{'labels':{'app':'x'}},'spec':{" + C + "}}}}",
                        "spec.selector: Invalid value: {}: empty selector is invalid for daemonset", "spec.selector", "FieldValueInvalid"),
                new Case("A daemon set may not have zero unavailable and zero surge", Fixtures.DAEMONSETS,
                        "{'metadata':{'name':'d'},'spec':{'updateStrategy':{'rollingUpdate':{'maxUnavailable':0}}," + T + "}}",
                        "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
                        "spec.updateStrategy.rollingUpdate.maxUnavailable", "FieldValueInvalid"),
                new Case("A controller revision without data is invalid", Fixtures.CONTROLLERREVISIONS,
                        "{'metadata':{'name':'r'},'revision':1}",
                        "ControllerRevision.apps \"r\" is invalid: data: Required value: data is mandatory", "data", "FieldValueRequired"),
                new Case("A controller revision's number may not be negative", Fixtures.CONTROLLERREVISIONS,
                        "{'metadata':{'name':'r'},'data':{},'revision':-1}",
                        "revision: Invalid value: -1: must be greater than or equal to 0", "revision", "FieldValueInvalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidWorkloadsAre422WithKubesMessageAndCauses(Case c) {
        ValidationTest.assertInvalid(c);
    }

    @Test
    void aJobGetsKubesDefaultsAndASelectorOnItsUid() {
        var job = new Harness().create(Fixtures.JOBS, "default", json(JOB)).body();
        var spec = job.path("spec");
        String uid = job.path("metadata").path("uid").asString();
        assertThat(spec.path("completions").asInt()).isEqualTo(1);
        assertThat(spec.path("parallelism").asInt()).isEqualTo(1);
        assertThat(spec.path("backoffLimit").asInt()).isEqualTo(6);
        assertThat(spec.path("completionMode").asString()).isEqualTo("NonIndexed");
        assertThat(spec.path("suspend").asBoolean(true)).isFalse();
        assertThat(spec.path("selector").toString()).isEqualTo("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"" + uid + "\"}}");
        var labels = spec.path("template").path("metadata").path("labels");
        assertThat(labels.path("batch.kubernetes.io/controller-uid").asString()).isEqualTo(uid);
        assertThat(labels.path("controller-uid").asString()).isEqualTo(uid);
        assertThat(labels.path("batch.kubernetes.io/job-name").asString()).isEqualTo("j");
        assertThat(labels.path("job-name").asString()).isEqualTo("j");
    }

    @Test
    void aJobWithAPerIndexLimitHasNoJobWideLimitAndItsConditionPatternsDefaultToTrue() {
        var spec = new Harness().create(Fixtures.JOBS, "default", json("{'metadata':{'name':'j'},'spec':{'completionMode':'Indexed',"
                + "'completions':2,'backoffLimitPerIndex':1,'podFailurePolicy':{'rules':[{'action':'Ignore',"
                + "'onPodConditions':[{'type':'DisruptionTarget'}]}]}," + JOB_TEMPLATE + "}}")).body().path("spec");
        assertThat(spec.path("backoffLimit").asLong()).isEqualTo(Integer.MAX_VALUE);
        assertThat(spec.path("podFailurePolicy").path("rules").path(0).path("onPodConditions").path(0).path("status").asString())
                .isEqualTo("True");
        assertThat(spec.path("podReplacementPolicy").asString()).isEqualTo("Failed");
    }

    @Test
    void aControllerRevisionsDataIsImmutableButItsNumberMayChange() {
        Harness h = new Harness();
        var created = h.create(Fixtures.CONTROLLERREVISIONS, "default",
                json("{'metadata':{'name':'r'},'data':{'spec':{'template':{'x':1}}},'revision':1}")).body();
        var renumbered = (tools.jackson.databind.node.ObjectNode) created.deepCopy();
        renumbered.put("revision", 4);
        Harness.Answer ok = h.put(Fixtures.CONTROLLERREVISIONS, "default", "r", renumbered.toString());
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
        var changed = (tools.jackson.databind.node.ObjectNode) ok.body().deepCopy();
        changed.putObject("data").put("other", true);
        Harness.Answer refused = h.put(Fixtures.CONTROLLERREVISIONS, "default", "r", changed.toString());
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(422);
        assertThat(refused.message()).contains("data: Invalid value: ").contains("field is immutable");
    }

    @Test
    void aJobsTemplateIsImmutable() {
        Harness h = new Harness();
        var created = h.create(Fixtures.JOBS, "default", json(JOB)).body();
        var changed = (tools.jackson.databind.node.ObjectNode) created.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) changed.path("spec").path("template").path("spec").path("containers").get(0)).put("image", "busybox");
        Harness.Answer a = h.put(Fixtures.JOBS, "default", "j", changed.toString());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(422);
        assertThat(a.message()).contains("spec.template: Invalid value: ").contains("field is immutable");
    }

    @Test
    void aCronJobGetsKubesDefaults() {
        var spec = new Harness().create(Fixtures.CRONJOBS, "default", json(CRON)).body().path("spec");
        assertThat(spec.path("concurrencyPolicy").asString()).isEqualTo("Allow");
        assertThat(spec.path("suspend").asBoolean(true)).isFalse();
        assertThat(spec.path("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(spec.path("failedJobsHistoryLimit").asInt()).isEqualTo(1);
        // the job template gets pod defaults only; a Job's own defaults come when the Job is made
        assertThat(spec.path("jobTemplate").path("spec").has("backoffLimit")).isFalse();
    }

    @Test
    void appsKindsGetKubesDefaults() {
        Harness h = new Harness();
        String body = "{'metadata':{'name':'w'},'spec':{" + T + "}}";
        var rs = h.create(Fixtures.REPLICASETS, "default", json(body)).body().path("spec");
        assertThat(rs.path("replicas").asInt()).isEqualTo(1);
        var ss = h.create(Fixtures.STATEFULSETS, "default", json(body)).body().path("spec");
        assertThat(ss.path("podManagementPolicy").asString()).isEqualTo("OrderedReady");
        assertThat(ss.path("updateStrategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}");
        assertThat(ss.path("revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(ss.has("serviceName")).as("serviceName is optional since kube 1.33").isFalse();
        var ds = h.create(Fixtures.DAEMONSETS, "default", json(body)).body().path("spec");
        assertThat(ds.path("updateStrategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}");
        assertThat(ds.path("revisionHistoryLimit").asInt()).isEqualTo(10);
    }

    @Test
    void aStatefulSetsServiceNameMayNotChange() {
        Harness h = new Harness();
        h.create(Fixtures.STATEFULSETS, "default", json("{'metadata':{'name':'s'},'spec':{'serviceName':'a'," + T + "}}"));
        Harness.Answer a = h.put(Fixtures.STATEFULSETS, "default", "s", json("{'metadata':{'name':'s'},'spec':{'serviceName':'b'," + T + "}}"));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.message()).contains("spec: Forbidden: updates to statefulset spec for fields other than 'replicas'");
    }
}
