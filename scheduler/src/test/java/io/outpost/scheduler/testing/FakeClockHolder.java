package io.outpost.scheduler.testing;

import io.outpost.testing.FakeClock;

/** The fake clock plugin contexts get in tests: plugins must not read the wall clock. */
public final class FakeClockHolder {

    public static final FakeClock CLOCK = new FakeClock();

    private FakeClockHolder() {
    }
}
