package io.outpost.controllers.ttlafterfinished;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * kube's {@code ttl-after-finished-controller}: deletes a finished Job (Complete or Failed) with
 * Background propagation once {@code ttlSecondsAfterFinished} has passed since it finished, by the
 * injected clock. A Job not yet expired is looked at again when it expires.
 *
 * <p>Thread model: informer threads only enqueue keys; workers sync them from the cache. Before
 * deleting, a fresh read re-checks the TTL (the user may have changed it) and the delete carries
 * the Job's uid as a precondition, so a new Job of the same name is never deleted.
 */
public final class TtlAfterFinishedController implements Controller {

    public static final String NAME = "ttl-after-finished";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Job> jobs;
    private final WorkQueue<String> queue;
    private final Workers workers;

    public TtlAfterFinishedController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.jobs = context.informers().of(Job.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        jobs.addEventHandler(Handlers.onAddOrUpdate(this::enqueue));
    }

    private void enqueue(Job job) {
        if (job.getMetadata().getDeletionTimestamp() == null && expiry(job).isPresent()) {
            queue.add(Pods.key(job));
        }
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
    }

    /**
     * When a Job is to be deleted: its finish time (the Complete or Failed condition's
     * lastTransitionTime) plus its TTL; empty if it has no TTL or has not finished.
     */
    static Optional<Instant> expiry(Job job) {
        if (job.getSpec() == null || job.getSpec().getTtlSecondsAfterFinished() == null || job.getStatus() == null
                || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        Optional<JobCondition> finished = job.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                .findFirst();
        return finished.map(c -> c.getLastTransitionTime() == null || c.getLastTransitionTime().isEmpty()
                        ? Instant.EPOCH : Instant.parse(c.getLastTransitionTime()))
                .map(t -> t.plusSeconds(job.getSpec().getTtlSecondsAfterFinished()));
    }

    void sync(String key) {
        Job cached = jobs.getStore().getByKey(key);
        if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Instant now = config.clock().instant();
        Optional<Instant> expiry = expiry(cached);
        if (expiry.isEmpty()) {
            return;
        }
        if (now.isBefore(expiry.get())) {
            queue.addAfter(key, Duration.between(now, expiry.get()));
            return;
        }
        Job fresh = client.batch().v1().jobs().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())) {
            return;
        }
        Optional<Instant> freshExpiry = expiry(fresh);
        if (freshExpiry.isEmpty()) {
            return;
        }
        if (now.isBefore(freshExpiry.get())) {
            queue.addAfter(key, Duration.between(now, freshExpiry.get()));
            return;
        }
        try {
            client.batch().v1().jobs().inNamespace(fresh.getMetadata().getNamespace()).withName(fresh.getMetadata().getName())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
