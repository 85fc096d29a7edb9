package io.outpost.controllers.cronjob;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * kube's {@code cronjob-controller} (the v2 one): starts a Job for each time a CronJob's schedule
 * comes due ({@link Decision}), keeps {@code status.active}, {@code lastScheduleTime} and
 * {@code lastSuccessfulTime}, and deletes finished Jobs beyond the history limits, oldest first.
 *
 * <p>Each sync ends by queueing the CronJob again for its next scheduled time (kube's
 * {@code RequeueAfter}), measured on the injected clock: nothing polls. The Job name is
 * deterministic per scheduled time, so a restart between creating a Job and writing the status
 * finds the Job (AlreadyExists) and only records it.
 *
 * <p>Thread model: informer threads only enqueue CronJob keys; {@code config.workers()} workers
 * sync them, never one key in two workers. A sync reads the CronJob afresh and its Jobs from the
 * cache, writes through the API, and writes the status once at its end.
 */
public final class CronJobController implements Controller {

    public static final String NAME = "cronjob";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<CronJob> cronJobs;
    private final SharedIndexInformer<Job> jobs;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public CronJobController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.cronJobs = context.informers().of(CronJob.class);
        this.jobs = context.informers().of(Job.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("cronjob-controller");
        cronJobs.addEventHandler(Handlers.onEach(cronJob -> queue.add(Pods.key(cronJob))));
        jobs.addEventHandler(Handlers.onChange((old, cur) -> {
            owner(cur).ifPresent(queue::add);
            if (old != null) {
                owner(old).ifPresent(queue::add);
            }
        }));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run() {
        workers.start(config.workers());
    }

    @Override
    public void close() {
        workers.close();
        events.close();
    }

    /** The key of the CronJob controlling {@code job}, if a CronJob does. */
    private static Optional<String> owner(Job job) {
        return Pods.controllerOf(job).filter(r -> "CronJob".equals(r.getKind()) && "batch/v1".equals(r.getApiVersion()))
                .map(r -> job.getMetadata().getNamespace() + "/" + r.getName());
    }

    void sync(String key) {
        CronJob cached = cronJobs.getStore().getByKey(key);
        if (cached == null) {
            return;
        }
        // Read afresh: a sync requeued for the next minute can run before the informer has
        // delivered this controller's own last status write, and deciding from that stale status
        // would start the same minute's Job again or miss the one to replace. One read per
        // scheduled run is cheap.
        CronJob cronJob = client.batch().v1().cronjobs().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        if (cronJob == null) {
            return;
        }
        String uid = cronJob.getMetadata().getUid();
        List<Job> owned = jobs.getIndexer().byIndex(Cache.NAMESPACE_INDEX, cronJob.getMetadata().getNamespace()).stream()
                .filter(j -> Pods.controllerOf(j).map(r -> uid.equals(r.getUid())).orElse(false)).toList();
        CronJobStatus old = cronJob.getStatus() == null ? new CronJobStatus() : cronJob.getStatus();
        CronJobStatus status = new CronJobStatusBuilder(old).build();
        status.setActive(new ArrayList<>(old.getActive() == null ? List.of() : old.getActive()));
        CronJob working = new CronJobBuilder(cronJob).withStatus(status).build();

        cleanupFinished(working, owned);
        reconcileActive(working, owned);
        if (cronJob.getMetadata().getDeletionTimestamp() == null) {
            start(working);
        }
        if (!Objects.equals(normalized(old), normalized(working.getStatus()))) {
            client.batch().v1().cronjobs().inNamespace(cronJob.getMetadata().getNamespace()).resource(working).updateStatus();
        }
    }

    private static CronJobStatus normalized(CronJobStatus s) {
        CronJobStatus copy = new CronJobStatusBuilder(s).build();
        if (copy.getActive() != null && copy.getActive().isEmpty()) {
            copy.setActive(null);
        }
        return copy;
    }

    /** kube's {@code cleanupFinishedJobs}: the oldest finished Jobs beyond each history limit go. */
    private void cleanupFinished(CronJob cronJob, List<Job> owned) {
        Integer successful = cronJob.getSpec().getSuccessfulJobsHistoryLimit();
        Integer failed = cronJob.getSpec().getFailedJobsHistoryLimit();
        List<Job> done = owned.stream().filter(j -> j.getMetadata().getDeletionTimestamp() == null).toList();
        if (successful != null) {
            Jobs.beyondLimit(done.stream().filter(j -> Jobs.finished(j).filter("Complete"::equals).isPresent()).toList(), successful)
                    .forEach(j -> deleteJob(cronJob, j));
        }
        if (failed != null) {
            Jobs.beyondLimit(done.stream().filter(j -> Jobs.finished(j).filter("Failed"::equals).isPresent()).toList(), failed)
                    .forEach(j -> deleteJob(cronJob, j));
        }
    }

    /**
     * kube's first half of {@code syncCronJob}: finished Jobs leave the active list, successful
     * ones advance {@code lastSuccessfulTime}, and an active entry whose Job is gone (by a fresh
     * read, not just the cache) is dropped.
     */
    private void reconcileActive(CronJob cronJob, List<Job> owned) {
        List<ObjectReference> active = cronJob.getStatus().getActive();
        for (Job job : owned) {
            String jobUid = job.getMetadata().getUid();
            boolean listed = active.stream().anyMatch(r -> jobUid.equals(r.getUid()));
            Optional<String> finished = Jobs.finished(job);
            if (!listed && finished.isEmpty()) {
                events.event(cronJob, EventRecorder.WARNING, "UnexpectedJob",
                        "Saw a job that the controller did not create or forgot: " + job.getMetadata().getName());
            } else if (listed && finished.isPresent()) {
                active.removeIf(r -> jobUid.equals(r.getUid()));
                events.event(cronJob, EventRecorder.NORMAL, "SawCompletedJob",
                        "Saw completed job: " + job.getMetadata().getName() + ", condition: " + finished.get());
            }
            if (finished.filter("Complete"::equals).isPresent() && job.getStatus().getCompletionTime() != null) {
                Instant completed = Instant.parse(job.getStatus().getCompletionTime());
                String last = cronJob.getStatus().getLastSuccessfulTime();
                if (last == null || completed.isAfter(Instant.parse(last))) {
                    cronJob.getStatus().setLastSuccessfulTime(job.getStatus().getCompletionTime());
                }
            }
        }
        for (ObjectReference ref : List.copyOf(active)) {
            if (owned.stream().anyMatch(j -> j.getMetadata().getUid().equals(ref.getUid()))) {
                continue;
            }
            Job fresh = client.batch().v1().jobs().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
            if (fresh == null) {
                events.event(cronJob, EventRecorder.NORMAL, "MissingJob", "Active job went missing: " + ref.getName());
                active.remove(ref);
            }
        }
    }

    private static ObjectReference reference(Job job) {
        return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid()).withResourceVersion(job.getMetadata().getResourceVersion()).build();
    }

    /** The second half of kube's {@code syncCronJob}: starts the Job due, if one is. */
    private void start(CronJob cronJob) {
        Instant now = config.clock().instant();
        Decision decision = Decision.of(cronJob, now, config.clock().getZone());
        decision.events().forEach(e -> events.event(cronJob, e.type(), e.reason(), e.message()));
        String key = Pods.key(cronJob);
        if (decision.start().isEmpty()) {
            decision.requeueAfter().ifPresent(d -> queue.addAfter(key, d));
            return;
        }
        if (decision.replaceActive()) {
            for (ObjectReference ref : List.copyOf(cronJob.getStatus().getActive())) {
                Job job = client.batch().v1().jobs().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
                if (job != null && !deleteJob(cronJob, job)) {
                    throw new IllegalStateException("could not replace job " + ref.getNamespace() + "/" + ref.getName());
                }
                if (job == null) {
                    cronJob.getStatus().getActive().remove(ref);
                }
            }
        }
        Instant scheduled = decision.start().get();
        Job request = Jobs.fromTemplate(cronJob, scheduled, config.clock().getZone());
        Job created;
        try {
            created = client.batch().v1().jobs().inNamespace(cronJob.getMetadata().getNamespace()).resource(request).create();
            events.event(cronJob, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + created.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                if (!namespaceTerminating(e)) {
                    events.event(cronJob, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + e.getMessage());
                }
                throw e;
            }
            // Created before by us (a status write was lost) or by someone else.
            created = client.batch().v1().jobs().inNamespace(request.getMetadata().getNamespace())
                    .withName(request.getMetadata().getName()).get();
            boolean ours = created != null && Pods.controllerOf(created)
                    .map(r -> cronJob.getMetadata().getUid().equals(r.getUid())).orElse(false);
            String createdUid = created == null ? null : created.getMetadata().getUid();
            if (!ours || cronJob.getStatus().getActive().stream().anyMatch(r -> r.getUid().equals(createdUid))) {
                return;
            }
        }
        cronJob.getStatus().getActive().add(reference(created));
        cronJob.getStatus().setLastScheduleTime(scheduled.toString());
        decision.requeueAfter().ifPresent(d -> queue.addAfter(key, d));
    }

    private static boolean namespaceTerminating(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getDetails() != null && e.getStatus().getDetails().getCauses() != null
                && e.getStatus().getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }

    /** kube's {@code deleteJob}: the Job and its pods in the background, then its entry in the active list. */
    private boolean deleteJob(CronJob cronJob, Job job) {
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                events.event(cronJob, EventRecorder.WARNING, "FailedDelete", "Deleted job: " + e.getMessage());
                return false;
            }
        }
        cronJob.getStatus().getActive().removeIf(r -> job.getMetadata().getUid().equals(r.getUid()));
        events.event(cronJob, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + job.getMetadata().getName());
        return true;
    }
}
