package io.outpost.controllers.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * A Job's conditions as kube 1.31+ writes them: {@code Suspended} while suspended (False, reason
 * Resumed, once resumed); on success {@code SuccessCriteriaMet} then {@code Complete}, on failure
 * {@code FailureTarget} then {@code Failed}, each pair with the same reason. kube writes the second
 * of a pair only once the pods are terminated; here both are written together, in the sync that
 * deletes the remaining active pods.
 */
final class Conditions {

    private Conditions() {
    }

    /** Complete or Failed is True (kube's {@code IsJobFinished}). */
    static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream()
                .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
    }

    /** Suspended is True. */
    static boolean suspended(List<JobCondition> conditions) {
        return conditions != null && find(conditions, "Suspended").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    static List<JobCondition> next(List<JobCondition> old, boolean suspended, Optional<Decision.Finish> finish, Instant now) {
        List<JobCondition> out = new ArrayList<>(old == null ? List.of() : old);
        Optional<JobCondition> suspendedNow = find(out, "Suspended");
        if (suspended && finish.isEmpty() && suspendedNow.map(c -> !"True".equals(c.getStatus())).orElse(true)) {
            put(out, JobController.condition("Suspended", "True", "JobSuspended", "Job suspended", now));
        } else if (!suspended && suspendedNow.map(c -> "True".equals(c.getStatus())).orElse(false)) {
            put(out, JobController.condition("Suspended", "False", "JobResumed", "Job resumed", now));
        }
        finish.ifPresent(f -> {
            String target = Decision.Finish.COMPLETE.equals(f) ? "SuccessCriteriaMet" : "FailureTarget";
            put(out, JobController.condition(target, "True", f.reason(), f.message(), now));
            put(out, JobController.condition(f.type(), "True", f.reason(), f.message(), now));
        });
        return out;
    }

    private static Optional<JobCondition> find(List<JobCondition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static void put(List<JobCondition> conditions, JobCondition c) {
        conditions.removeIf(x -> c.getType().equals(x.getType()));
        conditions.add(c);
    }
}
