package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

/** The one sample-count rule: samples × columns ≤ 50,000,000 values (400 MB of doubles), 2 ≤ samples ≤ 2,000,000. */
class SampleLimitsTest {
    @Test
    void limitFollowsMemory() {
        assertEquals(2_000_000, SampleLimits.maxSamples(1));
        assertEquals(2_000_000, SampleLimits.maxSamples(25)); // 25 × 2,000,000 = 50,000,000 exactly
        assertEquals(1_666_666, SampleLimits.maxSamples(30));
        assertEquals(500_000, SampleLimits.maxSamples(100));
        assertEquals(2, SampleLimits.maxSamples(Long.MAX_VALUE));
        for (long cols : new long[] {1, 7, 30, 784, 10_000}) {
            assertTrue((long) SampleLimits.maxSamples(cols) * cols <= SampleLimits.MAX_VALUES || cols > 25_000_000);
        }
    }

    @Test
    void checkNamesTheSettingAndTheLimit() {
        assertEquals(500_000, SampleLimits.check("--num-samples", 500_000, 100, "segments"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> SampleLimits.check("--num-samples", 500_001, 100, "segments"));
        assertEquals("--num-samples must be in [2, 500000] for 100 segments (samples × segments at most 50000000 values, "
                + "and at most 2000000 samples), got 500001", e.getMessage());
        assertThrows(BadInputException.class, () -> SampleLimits.check("--nsamples", 1, 3, "features"));
    }
}
