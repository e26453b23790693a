package org.botsec.privacy.bench;

import java.security.SecureRandom;
import java.security.Security;
import java.util.Locale;
import java.util.SplittableRandom;
import org.botsec.privacy.internal.GaussianNoise;

/**
 * Throughput of the JDK's DRBG mechanisms and of Conscrypt's generator (BoringSSL) for about one DP-SGD step's
 * worth of noise bytes (4.4 MB; the ziggurat needs ≈ 3.4 MB for the MLP 784-512-10's 407,050 Gaussians), in bulk
 * and in the 32 KB requests {@link GaussianNoise} makes, and of {@link GaussianNoise} on the default secure
 * generator, on the JDK DRBG and on a seeded generator.
 * Selects the mechanism through the {@code securerandom.drbg.config} security property, which is why this runs
 * in its own process and is not part of the library. Command:
 * {@code java -cp $CP org.botsec.privacy.bench.DrbgBenchmark}.
 */
public final class DrbgBenchmark {
    private DrbgBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = Integer.getInteger("reps", 8);
        String[] configs = {"Hash_DRBG,SHA-256,128,none", "Hash_DRBG,SHA-512,256,none", "HMAC_DRBG,SHA-256,256,none",
                "CTR_DRBG,AES-128,128,use_df", "CTR_DRBG,AES-256,256,use_df"};
        byte[] buf = new byte[4_400_000];
        byte[] chunk = new byte[32_768];
        String original = Security.getProperty("securerandom.drbg.config");
        for (String c : configs) {
            Security.setProperty("securerandom.drbg.config", c);
            rate(c, SecureRandom.getInstance("DRBG"), buf, chunk, reps);
        }
        Security.setProperty("securerandom.drbg.config", original == null ? "" : original);
        rate("Conscrypt (BoringSSL)", SecureRandom.getInstance("SHA1PRNG", org.conscrypt.Conscrypt.newProvider()), buf,
                chunk, reps);
        System.out.println("DP noise uses: " + org.botsec.privacy.DpSgd.secureGeneratorDescription());
        double[] noise = new double[407_050];
        for (String name : new String[] {"default", "JDK DRBG", "SplittableRandom"}) {
            GaussianNoise g = new GaussianNoise(switch (name) {
                case "default" -> org.botsec.privacy.DpSgd.secureRandomness().generator();
                case "JDK DRBG" -> SecureRandom.getInstance("DRBG");
                default -> new SplittableRandom(1);
            });
            for (int i = 0; i < 3; i++) {
                g.add(noise, 1.0);
            }
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                g.add(noise, 1.0);
            }
            System.out.printf(Locale.ROOT, "GaussianNoise, %-16s %6.1f ms per 407,050 samples%n", name,
                    (System.nanoTime() - t) / 1e6 / reps);
        }
    }

    /** Bulk rate of one generator: 4.4 MB requests, and 32 KB requests as {@link GaussianNoise} makes them. */
    private static void rate(String name, SecureRandom r, byte[] buf, byte[] chunk, int reps) {
        for (int i = 0; i < 3; i++) {
            r.nextBytes(buf);
        }
        long t = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            r.nextBytes(buf);
        }
        double bulk = reps * (double) buf.length / 1e6 / ((System.nanoTime() - t) / 1e9);
        int calls = reps * (buf.length / chunk.length);
        t = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            r.nextBytes(chunk);
        }
        double chunked = calls * (double) chunk.length / 1e6 / ((System.nanoTime() - t) / 1e9);
        System.out.printf(Locale.ROOT, "%-28s %6.0f MB/s in 4.4 MB requests, %6.0f MB/s in 32 KB requests%n", name,
                bulk, chunked);
    }
}
