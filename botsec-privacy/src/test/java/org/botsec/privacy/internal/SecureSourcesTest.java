package org.botsec.privacy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The secure generator behind DP noise: Conscrypt on the platforms its jar supports (Linux x86-64 here and in CI),
 * independent instances, and the ziggurat's output on it distributed as N(0, 1) (chi-square over 100 equiprobable
 * bins against {@link SpecialFunctions#normalQuantile}).
 */
class SecureSourcesTest {
    @Test
    void conscryptIsPreferredWhereItsNativeLibraryExists() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        SecureRandom r = SecureSources.newSecureRandom();
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))
                && System.getProperty(SecureSources.PROPERTY) == null) {
            assertTrue(SecureSources.description().startsWith("conscrypt "), SecureSources.description());
            assertEquals("Conscrypt", r.getProvider().getName());
        }
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        SecureSources.newSecureRandom().nextBytes(b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b), "independent instances");
    }

    @Test
    void propertySelectsTheJdkGeneratorAndRejectsOtherValues() {
        SecureSources.Choice jdk = SecureSources.choose(" JDK ");
        assertEquals(null, jdk.provider());
        assertTrue(jdk.description().startsWith("jdk DRBG (SUN: Hash_DRBG"), jdk.description());
        assertEquals("system property botsec.dp.generator must be jdk or conscrypt, got 'openssl'",
                org.junit.jupiter.api.Assertions.assertThrows(org.botsec.core.BadInputException.class,
                        () -> SecureSources.choose("openssl")).getMessage());
    }

    @Test
    void zigguratOnTheSecureGeneratorIsStandardNormal() {
        GaussianNoise g = new GaussianNoise(SecureSources.newSecureRandom());
        int n = 1_000_000;
        double[] v = new double[n];
        g.add(v, 1.0);
        int bins = 100;
        double[] edges = new double[bins - 1];
        for (int k = 1; k < bins; k++) {
            edges[k - 1] = SpecialFunctions.normalQuantile((double) k / bins);
        }
        long[] counts = new long[bins];
        for (double x : v) {
            int lo = Arrays.binarySearch(edges, x);
            counts[lo >= 0 ? lo + 1 : -lo - 1]++;
        }
        double expected = (double) n / bins;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 99 degrees of freedom: P(chi2 > 160) ≈ 1e-4, so an unseeded run fails about once in 10,000
        assertTrue(chi2 < 160, "chi-square " + chi2);
    }
}
