package org.botsec.privacy.bench;

import java.security.SecureRandom;
import java.security.Security;
import java.util.Locale;
import java.util.SplittableRandom;
import org.botsec.privacy.internal.GaussianNoise;

/**
 * Throughput of the JDK's DRBG mechanisms for one DP-SGD step's worth of noise bytes (4.4 MB, the MLP
 * 784-512-10's 407,050 Gaussians), and of {@link GaussianNoise} on the default DRBG and on a seeded generator.
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
        String original = Security.getProperty("securerandom.drbg.config");
        for (String c : configs) {
            Security.setProperty("securerandom.drbg.config", c);
            SecureRandom r = SecureRandom.getInstance("DRBG");
            for (int i = 0; i < 3; i++) {
                r.nextBytes(buf);
            }
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                r.nextBytes(buf);
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf(Locale.ROOT, "%-28s %6.0f MB/s%n", c, reps * buf.length / 1e6 / s);
        }
        Security.setProperty("securerandom.drbg.config", original == null ? "" : original);
        double[] noise = new double[407_050];
        for (String name : new String[] {"default DRBG", "SplittableRandom"}) {
            GaussianNoise g = new GaussianNoise(name.equals("default DRBG") ? SecureRandom.getInstance("DRBG")
                    : new SplittableRandom(1));
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
}
