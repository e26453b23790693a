package org.botsec.privacy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.botsec.core.BadInputException;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.privacy.internal.GaussianNoise;
import org.botsec.privacy.internal.PoissonSampler;
import org.botsec.privacy.internal.SpecialFunctions;

/**
 * A vocabulary chosen from private documents with (ε, δ)-differential privacy, so that a text model's
 * vocabulary does not reveal rare words of one document — the part of a text pipeline that DP-SGD does not
 * protect.
 *
 * <p><b>Mechanism</b> (Gaussian thresholding for partition selection; Korolova et al., WWW 2009; Gopi et al.,
 * "Differentially Private Set Union", ICML 2020; Desfontaines et al., PETS 2022): each document contributes at
 * most k distinct tokens (a random subset when it has more), each counted once; every token's count gets
 * N(0, s²) noise and the tokens whose noisy count exceeds a threshold τ are released. One document changes at
 * most k counts by 1, so the count vector has L2 sensitivity √k; s is the smallest noise whose Gaussian
 * mechanism is (ε, δ/2)-DP by the exact formula of Balle and Wang (ICML 2018, Thm. 8); τ = 1 + s·Φ⁻¹(1 - δ/(2k))
 * bounds by δ/2 the probability that any token held by only the added document is released. Total: (ε, δ)-DP.
 *
 * <p><b>Privacy unit:</b> one document; <b>relation:</b> add or remove one document. <b>Composition with DP-SGD
 * on the same data:</b> basic composition, ε_total = ε_vocab + ε_sgd and δ_total = δ_vocab + δ_sgd (valid for any
 * two mechanisms; tighter accounting is possible but not claimed). <b>Thread-safety:</b> stateless; safe.
 */
public final class DpVocabulary {
    private DpVocabulary() {
    }

    /**
     * The selected vocabulary and the parameters that produced it.
     *
     * @param tokens                tokens released, by decreasing noisy count
     * @param epsilon               ε of the selection
     * @param delta                 δ of the selection
     * @param maxTokensPerDocument  k
     * @param noiseStddev           s
     * @param threshold             τ
     * @param noise                 where the noise came from
     */
    public record Result(List<String> tokens, double epsilon, double delta, int maxTokensPerDocument,
                         double noiseStddev, double threshold, PrivacyGuarantee.Noise noise) {
        public Result {
            tokens = List.copyOf(tokens);
        }

        /** This selection as one component of a composed {@link PrivacyGuarantee} (JSON-friendly parameters). */
        public PrivacyGuarantee.Component component() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mechanism", "gaussian_thresholding");
            m.put("max_tokens_per_document", maxTokensPerDocument);
            m.put("noise_stddev", noiseStddev);
            m.put("threshold", threshold);
            m.put("vocabulary_size", tokens.size());
            return new PrivacyGuarantee.Component("dp-vocabulary", epsilon, delta, m);
        }
    }

    /**
     * Selects a vocabulary with noise from a secure generator ({@link DpSgd#secureRandomness()}).
     *
     * @param documents            each document's tokens (duplicates count once)
     * @param epsilon              ε &gt; 0
     * @param delta                δ in (0, 1)
     * @param maxTokensPerDocument k ≥ 1
     */
    public static Result select(List<? extends Collection<String>> documents, double epsilon, double delta,
                                int maxTokensPerDocument) {
        return select(documents, epsilon, delta, maxTokensPerDocument, DpSgd.secureRandomness().generator(),
                new PrivacyGuarantee.Noise(true, DpSgd.secureGeneratorDescription() + "; sampler " + DpSgd.SAMPLER));
    }

    /**
     * INSECURE: the same selection with noise and subsampling from a generator seeded with {@code seed}, so that
     * a run replays (tests, debugging). Whoever knows the seed can remove the noise; the result's
     * {@link Result#noise()} says {@code seeded (not private)}.
     */
    public static Result selectWithInsecureSeed(List<? extends Collection<String>> documents, double epsilon,
                                                double delta, int maxTokensPerDocument, long seed) {
        return select(documents, epsilon, delta, maxTokensPerDocument, new SplittableRandom(seed),
                new PrivacyGuarantee.Noise(false, "java.util.SplittableRandom, insecure seed " + seed
                        + "; sampler " + DpSgd.SAMPLER));
    }

    private static Result select(List<? extends Collection<String>> documents, double epsilon, double delta,
                                 int maxTokensPerDocument, RandomGenerator random, PrivacyGuarantee.Noise noise) {
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw BadInputException.of("vocabulary epsilon must be > 0 and finite, got %s", epsilon);
        }
        if (!(delta > 0 && delta < 1)) {
            throw BadInputException.of("vocabulary delta must be in (0, 1), got %s", delta);
        }
        if (maxTokensPerDocument < 1) {
            throw BadInputException.of("maxTokensPerDocument must be >= 1, got %d", maxTokensPerDocument);
        }
        int k = maxTokensPerDocument;
        double s = gaussianSigma(epsilon, delta / 2, Math.sqrt(k));
        double threshold = 1 + s * -SpecialFunctions.normalQuantile(delta / (2.0 * k));
        Map<String, Integer> counts = new HashMap<>();
        for (Collection<String> doc : documents) {
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(doc));
            if (distinct.size() > k) {
                int[] idx = new int[distinct.size()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i;
                }
                PoissonSampler.shuffle(idx, random);
                List<String> kept = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    kept.add(distinct.get(idx[i]));
                }
                distinct = kept;
            }
            for (String t : distinct) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        // iterate in a data-independent order so that the noise assignment does not depend on hash layout
        List<String> keys = new ArrayList<>(counts.keySet());
        keys.sort(null);
        double[] noisy = new double[keys.size()];
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = counts.get(keys.get(i));
        }
        new GaussianNoise(random).add(noisy, s);
        List<Integer> released = new ArrayList<>();
        for (int i = 0; i < noisy.length; i++) {
            if (noisy[i] > threshold) {
                released.add(i);
            }
        }
        released.sort((a, b) -> Double.compare(noisy[b], noisy[a]));
        List<String> tokens = new ArrayList<>(released.size());
        for (int i : released) {
            tokens.add(keys.get(i));
        }
        return new Result(tokens, epsilon, delta, k, s, threshold, noise);
    }

    /** Exact δ of the Gaussian mechanism with noise s and L2 sensitivity Δ at ε (Balle and Wang 2018, Thm. 8). */
    static double gaussianDelta(double epsilon, double s, double sensitivity) {
        double a = sensitivity / (2 * s);
        double b = epsilon * s / sensitivity;
        return SpecialFunctions.normalCdf(a - b) - Math.exp(epsilon) * SpecialFunctions.normalCdf(-a - b);
    }

    /** The smallest s (to 1e-9 relative) with gaussianDelta(ε, s, Δ) ≤ δ; δ decreases in s. */
    static double gaussianSigma(double epsilon, double delta, double sensitivity) {
        double lo = 0;
        double hi = sensitivity;
        while (gaussianDelta(epsilon, hi, sensitivity) > delta) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1e-9 * hi) {
            double mid = 0.5 * (lo + hi);
            if (gaussianDelta(epsilon, mid, sensitivity) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }
}
