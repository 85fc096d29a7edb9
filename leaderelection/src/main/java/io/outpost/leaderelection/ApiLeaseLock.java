package io.outpost.leaderelection;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A {@link LeaseLock} on a coordination.k8s.io/v1 Lease (client-go's {@code resourcelock.LeaseLock}),
 * e.g. {@code kube-system/kube-controller-manager}. Updates carry the resourceVersion read, so a
 * concurrent writer makes them fail with 409 Conflict rather than overwrite.
 *
 * <p>Thread model: called by the elector's one thread; blocking HTTP.
 */
public final class ApiLeaseLock implements LeaseLock {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public ApiLeaseLock(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Optional<LeaderRecord> get() {
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        if (lease == null) {
            return Optional.empty();
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        return Optional.of(new LeaderRecord(
                spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity(),
                Duration.ofSeconds(spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds()),
                spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
                spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant(),
                spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions(),
                lease.getMetadata().getResourceVersion()));
    }

    @Override
    public boolean create(LeaderRecord record) {
        try {
            client.leases().inNamespace(namespace).resource(lease(record)).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean update(LeaderRecord record) {
        try {
            client.leases().inNamespace(namespace).resource(lease(record)).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private Lease lease(LeaderRecord r) {
        LeaseSpec spec = new LeaseSpec();
        spec.setHolderIdentity(r.holderIdentity().isEmpty() ? null : r.holderIdentity());
        spec.setLeaseDurationSeconds((int) r.leaseDuration().toSeconds());
        spec.setAcquireTime(r.acquireTime() == null ? null : ZonedDateTime.ofInstant(r.acquireTime(), ZoneOffset.UTC));
        spec.setRenewTime(r.renewTime() == null ? null : ZonedDateTime.ofInstant(r.renewTime(), ZoneOffset.UTC));
        spec.setLeaseTransitions(r.leaseTransitions());
        Lease lease = new Lease();
        lease.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                .withResourceVersion(r.resourceVersion()).build());
        lease.setSpec(spec);
        return lease;
    }

    @Override
    public String describe() {
        return "lease " + namespace + "/" + name;
    }
}
