package io.shoppulse.simulator.model;

import java.util.UUID;
import java.util.random.RandomGenerator;

/** Ids drawn from the run's seeded generator, so a run with a given seed is repeatable to the id. */
public final class Ids {

    private Ids() {
    }

    /** A version-4 (random) UUID from the given generator. */
    public static String uuid(RandomGenerator random) {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(most, least).toString();
    }
}
