package io.outpost.agent.runtime.containerd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image garbage collection by disk thresholds, as kubelet's {@code realImageGCManager} ({@code
 * pkg/kubelet/images/image_gc_manager.go}) does it: when the image filesystem's usage reaches
 * {@code highThresholdPercent}, unused images are removed, least recently used first (then oldest
 * detected), until usage would be back at {@code lowThresholdPercent}. An image in use by any
 * container (running or not), a pinned one (the sandbox image), one used at this very sweep, or
 * one first seen less than {@code minAge} ago is kept.
 *
 * <p>"Last used" is what this collector saw: an image is stamped at each sweep in which a
 * container uses it, and first-detected when a sweep first lists it; after an agent restart
 * every image counts as just detected, as in kubelet.
 *
 * <p>Thread model: {@link #collect()} from one periodic task (kubelet: every 5 minutes);
 * synchronized, so an on-demand sweep never interleaves with it.
 */
public final class ImageGarbageCollector {

    private static final Logger LOG = LoggerFactory.getLogger(ImageGarbageCollector.class);

    /** kubelet's {@code imageGCHighThresholdPercent}, {@code imageGCLowThresholdPercent}, {@code imageMinimumGCAge}. */
    public record Policy(int highThresholdPercent, int lowThresholdPercent, Duration minAge) {

        public static final Policy KUBELET_DEFAULTS = new Policy(85, 80, Duration.ofMinutes(2));

        public Policy {
            if (lowThresholdPercent < 0 || highThresholdPercent > 100 || lowThresholdPercent > highThresholdPercent) {
                throw new IllegalArgumentException("image GC thresholds need 0 <= low (" + lowThresholdPercent + ") <= high ("
                        + highThresholdPercent + ") <= 100");
            }
        }
    }

    /** What the collector needs from the node: its images, which are in use, the disk, removal. */
    public interface Node {

        List<Image> images();

        /** Image ids any container on the node references. */
        Set<String> imagesInUse();

        Disk imageDisk();

        void remove(String imageId);
    }

    public record Image(String id, long sizeBytes, boolean pinned) {
    }

    public record Disk(long capacityBytes, long availableBytes) {
    }

    /** @param bytesToFree 0 when usage was under the high threshold */
    public record Result(long bytesToFree, long bytesFreed, List<String> removed) {
    }

    private record Seen(Instant firstDetected, Instant lastUsed) {
    }

    private final Node node;
    private final Policy policy;
    private final Clock clock;
    private final Map<String, Seen> seen = new HashMap<>();

    public ImageGarbageCollector(Node node, Policy policy, Clock clock) {
        this.node = node;
        this.policy = policy;
        this.clock = clock;
    }

    public synchronized Result collect() {
        Instant now = clock.instant();
        List<Image> images = node.images();
        Set<String> inUse = node.imagesInUse();
        detect(images, inUse, now);
        Disk disk = node.imageDisk();
        if (disk.capacityBytes() <= 0) {
            return new Result(0, 0, List.of());
        }
        long usagePercent = 100 - disk.availableBytes() * 100 / disk.capacityBytes();
        if (usagePercent < policy.highThresholdPercent()) {
            return new Result(0, 0, List.of());
        }
        long toFree = disk.capacityBytes() * (100 - policy.lowThresholdPercent()) / 100 - disk.availableBytes();
        List<Image> evictable = new ArrayList<>();
        for (Image image : images) {
            if (!inUse.contains(image.id()) && !image.pinned()) {
                evictable.add(image);
            }
        }
        evictable.sort(Comparator.comparing((Image i) -> seen.get(i.id()).lastUsed())
                .thenComparing(i -> seen.get(i.id()).firstDetected()));
        long freed = 0;
        List<String> removed = new ArrayList<>();
        for (Image image : evictable) {
            if (freed >= toFree) {
                break;
            }
            Seen s = seen.get(image.id());
            if (s.lastUsed().equals(now) || Duration.between(s.firstDetected(), now).compareTo(policy.minAge()) < 0) {
                continue;
            }
            try {
                node.remove(image.id());
            } catch (RuntimeException e) {
                LOG.warn("image {} not removed: {}", image.id(), e.toString());
                continue;
            }
            seen.remove(image.id());
            removed.add(image.id());
            freed += image.sizeBytes();
        }
        if (freed < toFree) {
            LOG.warn("image disk at {}% (high threshold {}%): freed {} of {} bytes, nothing more is removable", usagePercent,
                    policy.highThresholdPercent(), freed, toFree);
        }
        return new Result(toFree, freed, removed);
    }

    private void detect(List<Image> images, Set<String> inUse, Instant now) {
        Map<String, Seen> current = new HashMap<>();
        for (Image image : images) {
            Seen before = seen.get(image.id());
            Instant first = before == null ? now : before.firstDetected();
            Instant last = inUse.contains(image.id()) ? now : before == null ? Instant.EPOCH : before.lastUsed();
            current.put(image.id(), new Seen(first, last));
        }
        seen.clear();
        seen.putAll(current);
    }
}
