package io.outpost.controllers.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Expectations;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The Job controller (kube's {@code job-controller}): runs each Job's pods to {@code completions}
 * successes, {@code parallelism} at a time, until it completes or fails (see {@link Decision}), and
 * reports active, ready, succeeded, failed, startTime, completionTime and the Suspended,
 * SuccessCriteriaMet/Complete and FailureTarget/Failed conditions. An Indexed Job runs one pod per
 * index ({@link Indexed}) and reports {@code completedIndexes} (and {@code failedIndexes} with
 * {@code backoffLimitPerIndex}); failed pods go through the {@code podFailurePolicy}
 * ({@link Failures}).
 *
 * <p>Succeeded and failed are counted from the pods that still exist, never below what the status
 * already says (kube's legacy tracking, without the {@code batch.kubernetes.io/job-tracking}
 * finalizer), so a failed pod someone deletes still counts against the backoff limit once seen.
 * Creations and deletions are recorded as {@link Expectations} first, so a stale cache never
 * creates a pod twice.
 *
 * <p>Thread model: informer threads run the handlers, which only record observations and enqueue
 * Job keys; {@code config.workers()} workers sync keys, never one key in two workers. A sync reads
 * only the caches and writes only through the API.
 */
public final class JobController implements Controller {

    public static final String NAME = "job";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations expectations;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public JobController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.jobs = context.informers().of(Job.class);
        this.pods = context.informers().of(Pod.class);
        this.expectations = new Expectations(config.clock());
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("job-controller");
        jobs.addEventHandler(new ResourceEventHandler<Job>() {
            @Override
            public void onAdd(Job job) {
                queue.add(Pods.key(job));
            }

            @Override
            public void onUpdate(Job old, Job cur) {
                queue.add(Pods.key(cur));
            }

            @Override
            public void onDelete(Job job, boolean finalStateUnknown) {
                expectations.delete(Pods.key(job));
                queue.add(Pods.key(job));
            }
        });
        pods.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    podDeleted(pod);
                    return;
                }
                owner(pod).ifPresent(key -> {
                    expectations.creationObserved(key);
                    queue.add(key);
                });
            }

            @Override
            public void onUpdate(Pod old, Pod cur) {
                if (cur.getMetadata().getDeletionTimestamp() != null) {
                    podDeleted(cur);
                    return;
                }
                owner(cur).ifPresent(queue::add);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                podDeleted(pod);
            }
        });
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

    /** The key of the cached Job controlling {@code pod}, if any. */
    private Optional<String> owner(Pod pod) {
        Optional<OwnerReference> ref = Pods.controllerOf(pod);
        if (ref.isEmpty() || !"Job".equals(ref.get().getKind()) || !"batch/v1".equals(ref.get().getApiVersion())) {
            return Optional.empty();
        }
        String key = pod.getMetadata().getNamespace() + "/" + ref.get().getName();
        Job job = jobs.getStore().getByKey(key);
        return job != null && Objects.equals(job.getMetadata().getUid(), ref.get().getUid()) ? Optional.of(key) : Optional.empty();
    }

    private void podDeleted(Pod pod) {
        owner(pod).ifPresent(key -> {
            expectations.deletionObserved(key, Pods.key(pod));
            queue.add(key);
        });
    }

    // ---- sync ----

    void sync(String key) throws Exception {
        Job job = jobs.getStore().getByKey(key);
        if (job == null) {
            expectations.delete(key);
            return;
        }
        if (Conditions.finished(job) || job.getMetadata().getDeletionTimestamp() != null) {
            return; // kube's IsJobFinished: a finished Job is never synced again
        }
        boolean satisfied = expectations.satisfied(key);
        List<Pod> candidates = new ArrayList<>(pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, job.getMetadata().getNamespace()));
        List<Pod> owned = ControllerRefs.claim(client, job, job.getSpec().getSelector(), candidates, Pod.class, () -> canAdopt(job));
        List<Pod> active = owned.stream().filter(Pods::isActive).toList();
        // kube's terminating pods: being deleted, not yet Succeeded or Failed.
        List<Pod> terminating = owned.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null
                && (p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase()) && !"Failed".equals(p.getStatus().getPhase())))
                .toList();
        JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
        Failures failures = Failures.of(job, owned, old);
        boolean indexed = Indexed.isIndexed(job.getSpec());
        int succeeded = indexed ? failures.succeededIndexes().size() : Math.max(orZero(old.getSucceeded()), count(owned, "Succeeded"));
        int failed = Math.max(orZero(old.getFailed()), failures.counted());
        Instant now = config.clock().instant();
        boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
        Optional<Instant> startTime = Optional.ofNullable(old.getStartTime()).map(Instant::parse);
        boolean resuming = !suspended && Conditions.suspended(old.getConditions());
        if (!suspended && (startTime.isEmpty() || resuming)) {
            startTime = Optional.of(now); // kube resets it on resume, restarting activeDeadlineSeconds
        }
        Set<Integer> done = new TreeSet<>(failures.succeededIndexes());
        done.addAll(failures.failedIndexes());
        // An index whose pod is still terminating gets no new pod while only failed pods are replaced.
        Set<Integer> busy = new TreeSet<>(done);
        if (Decision.onlyReplaceFailedPods(job.getSpec()) && indexed) {
            busy.addAll(Indexed.indexesOf(terminating, job.getSpec().getCompletions()));
        }
        Indexed.Partition partition = indexed ? Indexed.partition(active, done, job.getSpec().getCompletions())
                : new Indexed.Partition(java.util.Map.of(), List.of());
        List<Pod> valid = indexed ? List.copyOf(partition.kept().values()) : active;
        Decision decision = Decision.of(job.getSpec(),
                new Decision.Counts(valid.size(), succeeded, failed, failures.failedIndexes().size(), terminating.size()),
                startTime, now,
                failures.failJob(), failures.indexFinish(succeeded));
        int activeAfter = active.size();
        KubernetesClientException manageError = null;
        if (satisfied || decision.finish().isPresent()) {
            try {
                if (indexed) {
                    List<Pod> victims = new ArrayList<>(partition.surplus());
                    victims.addAll(decision.finish().isPresent() ? valid : Indexed.toScaleDown(partition, decision.delete()));
                    activeAfter -= delete(job, key, victims, victims.size());
                    List<Integer> indexes = Indexed.toCreate(partition, busy, job.getSpec().getCompletions(), decision.create());
                    if (!indexes.isEmpty()) {
                        activeAfter += create(job, key, indexes.stream().map(OptionalInt::of).toList());
                    }
                } else {
                    activeAfter -= delete(job, key, active, decision.delete());
                    if (decision.create() > 0) {
                        activeAfter += create(job, key, java.util.Collections.nCopies(decision.create(), OptionalInt.empty()));
                    }
                }
            } catch (KubernetesClientException e) {
                manageError = e;
            }
        }
        JobStatusBuilder status = new JobStatusBuilder(old).withActive(activeAfter)
                .withReady((int) active.stream().filter(Pods::isReady).count())
                .withSucceeded(succeeded).withFailed(failed).withTerminating(terminating.size())
                .withStartTime(startTime.map(Instant::toString).orElse(null))
                .withConditions(Conditions.next(old.getConditions(), suspended, decision.finish(), now));
        if (indexed) {
            status.withCompletedIndexes(Indexes.format(failures.succeededIndexes()));
            if (job.getSpec().getBackoffLimitPerIndex() != null) {
                status.withFailedIndexes(Indexes.format(failures.failedIndexes()));
            }
        }
        boolean complete = decision.finish().filter(Decision.Finish.COMPLETE::equals).isPresent();
        if (complete) {
            status.withCompletionTime(now.toString());
        }
        updateStatus(job, status.build());
        decision.finish().ifPresent(f -> events.event(job, complete ? EventRecorder.NORMAL : EventRecorder.WARNING,
                complete ? "Completed" : f.reason(), complete ? "Job completed" : f.message()));
        if (decision.finish().isEmpty()) {
            Decision.deadline(job.getSpec(), startTime).ifPresent(d -> queue.addAfter(key, Duration.between(now, d)));
        }
        if (manageError != null) {
            throw manageError;
        }
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static int count(List<Pod> pods, String phase) {
        return (int) pods.stream().filter(p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase())).count();
    }

    private boolean canAdopt(Job cached) {
        Job fresh = client.batch().v1().jobs().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** Deletes {@code n} of the active pods, the newest first; returns how many went. */
    private int delete(Job job, String key, List<Pod> active, int n) {
        if (n <= 0) {
            return 0;
        }
        List<Pod> victims = active.stream()
                .sorted((a, b) -> String.valueOf(b.getMetadata().getCreationTimestamp()).compareTo(String.valueOf(a.getMetadata().getCreationTimestamp())))
                .limit(n).toList();
        expectations.expectDeletions(key, victims.stream().map(Pods::key).toList());
        int deleted = 0;
        KubernetesClientException first = null;
        for (Pod victim : victims) {
            try {
                client.pods().inNamespace(victim.getMetadata().getNamespace()).withName(victim.getMetadata().getName()).delete();
                events.event(job, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + victim.getMetadata().getName());
                deleted++;
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key, Pods.key(victim));
                if (e.getCode() != 404) {
                    events.event(job, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return deleted;
    }

    /**
     * Creates a pod from the template for each entry (an Indexed Job's index, or none), one at a
     * time, stopping at the first refusal; returns how many.
     */
    private int create(Job job, String key, List<OptionalInt> indexes) {
        int n = indexes.size();
        expectations.expectCreations(key, n);
        for (int i = 0; i < n; i++) {
            Pod pod = PodTemplates.forJob(job, indexes.get(i));
            try {
                Pod created = client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
                events.event(job, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
            } catch (KubernetesClientException e) {
                for (int j = i; j < n; j++) {
                    expectations.creationObserved(key); // never to be observed
                }
                events.event(job, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
                throw e;
            }
        }
        return n;
    }

    private void updateStatus(Job job, JobStatus status) {
        if (Objects.equals(job.getStatus(), status)) {
            return;
        }
        Job next = new JobBuilder(job).withStatus(status).build();
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e; // a conflict re-queues: the next sync starts from the fresh Job
            }
        }
    }

    static JobCondition condition(String type, String status, String reason, String message, Instant now) {
        return new JobConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastProbeTime(now.toString()).withLastTransitionTime(now.toString()).build();
    }
}
