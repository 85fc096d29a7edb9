package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.outpost.testing.FakeClock;

class ImageGarbageCollectorTest {

    private static final long GB = 1L << 30;

    /** A node of 100 GB whose used space is the sum of its images plus {@code otherUsed}. */
    private static final class FakeNode implements ImageGarbageCollector.Node {
        final Map<String, ImageGarbageCollector.Image> images = new LinkedHashMap<>();
        final Set<String> inUse = new HashSet<>();
        final List<String> removed = new ArrayList<>();
        long otherUsed;

        void add(String id, long size, boolean pinned) {
            images.put(id, new ImageGarbageCollector.Image(id, size, pinned));
        }

        @Override
        public List<ImageGarbageCollector.Image> images() {
            return List.copyOf(images.values());
        }

        @Override
        public Set<String> imagesInUse() {
            return Set.copyOf(inUse);
        }

        @Override
        public ImageGarbageCollector.Disk imageDisk() {
            long used = otherUsed + images.values().stream().mapToLong(ImageGarbageCollector.Image::sizeBytes).sum();
            return new ImageGarbageCollector.Disk(100 * GB, 100 * GB - used);
        }

        @Override
        public void remove(String id) {
            images.remove(id);
            removed.add(id);
        }
    }

    private final FakeClock clock = new FakeClock();
    private final FakeNode node = new FakeNode();
    private final ImageGarbageCollector gc = new ImageGarbageCollector(node, ImageGarbageCollector.Policy.KUBELET_DEFAULTS, clock);

    @Test
    void under_the_high_threshold_nothing_is_removed() {
        node.add("a", 10 * GB, false);
        node.otherUsed = 70 * GB; // 80 % used
        clock.advance(Duration.ofHours(1));
        gc.collect();
        clock.advance(Duration.ofHours(1));
        assertThat(gc.collect().removed()).isEmpty();
    }

    @Test
    void over_the_high_threshold_unused_images_go_least_recently_used_first_until_the_low_threshold() {
        node.add("old", 5 * GB, false);
        node.add("recent", 5 * GB, false);
        node.add("spare", 5 * GB, false);
        node.otherUsed = 60 * GB;
        node.inUse.add("recent");
        gc.collect(); // first detection; "recent" is stamped as used now
        clock.advance(Duration.ofMinutes(10));
        node.inUse.clear();
        node.otherUsed = 75 * GB; // 90 % used: free 10 GB to reach 80 %

        ImageGarbageCollector.Result r = gc.collect();

        assertThat(r.bytesToFree()).isEqualTo(10 * GB);
        // "old" and "spare" were never used (oldest), "recent" was used ten minutes ago.
        assertThat(r.removed()).containsExactly("old", "spare");
        assertThat(node.images).containsOnlyKeys("recent");
    }

    @Test
    void images_in_use_pinned_or_younger_than_the_minimum_age_are_kept() {
        node.add("used", 10 * GB, false);
        node.add("pause", 1 * GB, true);
        node.otherUsed = 79 * GB;
        node.inUse.add("used");
        gc.collect();
        node.add("fresh", 5 * GB, false);
        clock.advance(Duration.ofMinutes(1));

        ImageGarbageCollector.Result r = gc.collect();

        assertThat(r.bytesToFree()).isPositive();
        assertThat(r.removed()).isEmpty(); // "fresh" was first seen a minute ago, under kubelet's 2 minutes
        clock.advance(Duration.ofMinutes(2));
        assertThat(gc.collect().removed()).containsExactly("fresh");
    }

    @Test
    void thresholds_out_of_order_are_refused() {
        assertThatThrownBy(() -> new ImageGarbageCollector.Policy(70, 80, Duration.ZERO)).hasMessageContaining("low (80) <= high (70)");
    }
}
