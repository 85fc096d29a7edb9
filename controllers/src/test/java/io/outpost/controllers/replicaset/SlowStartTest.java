package io.outpost.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SlowStartTest {

    @Test
    void everyCallRunsWhenNoneFails() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SlowStart.Result r = SlowStart.run(10, 1, calls::incrementAndGet);
        assertThat(r.successes()).isEqualTo(10);
        assertThat(r.firstError()).isNull();
        assertThat(calls).hasValue(10);
    }

    @Test
    void aFailingBatchStopsTheRestSoARefusedTemplateCostsFewRequests() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // batches 1, 2, 4: the fourth call (in the third batch) fails, so the batch of 8 never starts
        SlowStart.Result r = SlowStart.run(100, 1, () -> {
            if (calls.incrementAndGet() == 4) {
                throw new IllegalStateException("quota exceeded");
            }
        });
        assertThat(calls).hasValue(7);
        assertThat(r.successes()).isEqualTo(6);
        assertThat(r.firstError()).hasMessage("quota exceeded");
    }
}
