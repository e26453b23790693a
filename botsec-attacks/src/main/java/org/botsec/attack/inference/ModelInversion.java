package org.botsec.attack.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.AttackReport;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.GradientModel;

/**
 * Model inversion: reconstruct a representative input of each class from the model alone (Fredrikson, Jha,
 * Ristenpart 2015, "Model Inversion Attacks that Exploit Confidence Information and Basic Countermeasures", ACM
 * CCS, MI-FACE). Starting from a neutral input, the attack descends the cost −log p_c(x) within the input box
 * [lo, hi] by projected gradient steps, and stops after {@code iterations} steps or when p_c ≥ {@code 1 − γ}.
 * <ul>
 *   <li>{@link Access#GRADIENT}: the exact input gradient of a {@link GradientModel} (white box).</li>
 *   <li>{@link Access#CONFIDENCE}: confidence scores only; the gradient is estimated from queries by antithetic
 *       Gaussian finite differences (natural evolution strategies, as Ilyas et al. 2018, "Black-box Adversarial
 *       Attacks with Limited Queries and Information", ICML), so it works on any {@link Classifier}.</li>
 * </ul>
 * When real data is given, each reconstruction is checked the way Fredrikson et al. asked humans to: is it closer
 * to its own class's mean than to any other class's mean? The fraction that is measures how much the
 * reconstructions reveal about the classes' training data.
 */
public final class ModelInversion {
    /** Largest number of iterations. */
    public static final int MAX_ITERATIONS = 100_000;

    private ModelInversion() {
    }

    /** What the attacker can ask the model. */
    public enum Access {
        /** Input gradients (white box). */
        GRADIENT,
        /** Class probabilities only (black box). */
        CONFIDENCE
    }

    /**
     * Settings.
     *
     * @param access       gradient or confidence-only
     * @param iterations   most descent steps (≥ 1)
     * @param stepSize     step length (> 0), in input units; gradients are L2-normalised first
     * @param gamma        stop once p_c ≥ 1 − gamma (in [0, 1))
     * @param lower        smallest input value (e.g. 0 for images scaled to [0, 1])
     * @param upper        largest input value (> lower)
     * @param samples      confidence-only: random directions per gradient estimate (≥ 1; 2 queries each)
     * @param smoothing    confidence-only: finite-difference radius (> 0)
     * @param seed         seed of the random directions
     */
    public record Settings(Access access, int iterations, double stepSize, double gamma, double lower, double upper,
                           int samples, double smoothing, long seed) {
        public Settings {
            if (access == null) {
                throw new IllegalArgumentException("access must not be null");
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw BadInputException.of("iterations must be in [1, %d], got %d", MAX_ITERATIONS, iterations);
            }
            if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
                throw BadInputException.of("step size must be > 0 and finite, got %s", stepSize);
            }
            if (!(gamma >= 0 && gamma < 1)) {
                throw BadInputException.of("gamma must be in [0, 1), got %s", gamma);
            }
            if (!(lower < upper) || Double.isInfinite(lower) || Double.isInfinite(upper)) {
                throw BadInputException.of("the input box needs finite lower < upper, got [%s, %s]", lower, upper);
            }
            if (samples < 1 || samples > 10_000) {
                throw BadInputException.of("samples must be in [1, 10000], got %d", samples);
            }
            if (!(smoothing > 0) || Double.isInfinite(smoothing)) {
                throw BadInputException.of("smoothing must be > 0 and finite, got %s", smoothing);
            }
        }

        /** Defaults for images in [0, 1]: 300 steps of 0.1, γ = 0.001, 20 directions of radius 0.01. */
        public static Settings defaults(Access access, long seed) {
            return new Settings(access, 300, 0.1, 0.001, 0.0, 1.0, 20, 0.01, seed);
        }
    }

    /**
     * One class's reconstruction.
     *
     * @param classIndex      the class
     * @param className       its name
     * @param input           the reconstructed input, copied
     * @param confidence      p_c of the reconstruction
     * @param iterations      steps taken
     * @param queries         model queries used (forward passes or gradient calls, per row)
     * @param nearestClass    with real data: the class whose mean is closest (L2), else empty
     */
    public record Reconstruction(int classIndex, String className, double[] input, double confidence, int iterations,
                                 long queries, Optional<Integer> nearestClass) {
        public Reconstruction {
            input = input.clone();
        }

        @Override
        public double[] input() {
            return input.clone();
        }
    }

    /**
     * The reconstructions.
     *
     * @param reconstructions one per attacked class
     * @param settings        how they were made
     */
    public record Result(List<Reconstruction> reconstructions, Settings settings) {
        public Result {
            reconstructions = List.copyOf(reconstructions);
        }

        public double meanConfidence() {
            return reconstructions.stream().mapToDouble(Reconstruction::confidence).average().orElse(0);
        }

        /** Fraction of reconstructions nearest to their own class mean, when real data was given. */
        public Optional<Double> nearestMeanAccuracy() {
            if (reconstructions.isEmpty() || reconstructions.get(0).nearestClass().isEmpty()) {
                return Optional.empty();
            }
            long hits = reconstructions.stream().filter(r -> r.nearestClass().get() == r.classIndex()).count();
            return Optional.of((double) hits / reconstructions.size());
        }

        public AttackReport toReport() {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("mean_confidence", meanConfidence());
            nearestMeanAccuracy().ifPresent(a -> metrics.put("nearest_class_mean_accuracy", a));
            metrics.put("classes", (double) reconstructions.size());
            metrics.put("queries", (double) reconstructions.stream().mapToLong(Reconstruction::queries).sum());
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("access", settings.access().name().toLowerCase(Locale.ROOT));
            s.put("iterations", settings.iterations());
            s.put("step_size", settings.stepSize());
            s.put("gamma", settings.gamma());
            s.put("lower", settings.lower());
            s.put("upper", settings.upper());
            if (settings.access() == Access.CONFIDENCE) {
                s.put("samples", settings.samples());
                s.put("smoothing", settings.smoothing());
            }
            double revealing = nearestMeanAccuracy().orElse(meanConfidence());
            Severity sev = nearestMeanAccuracy().map(a -> a >= 0.8 ? Severity.HIGH : a >= 0.5 ? Severity.MEDIUM
                    : Severity.LOW).orElse(meanConfidence() >= 0.9 ? Severity.MEDIUM : Severity.LOW);
            Finding.Builder f = Finding.builder("attack.inversion." + settings.access().name().toLowerCase(Locale.ROOT),
                            FindingKind.MODEL_INVERSION, sev, String.format(Locale.ROOT,
                                    "Model inversion (%s access): class representatives reconstructed with mean "
                                            + "confidence %.3f", settings.access().name().toLowerCase(Locale.ROOT),
                                    meanConfidence()))
                    .description("The model's outputs let an attacker synthesise inputs it firmly assigns to each class; "
                            + "when those resemble the class's training data, the model reveals what its classes look "
                            + "like. Return labels or rounded confidences, or train with differential privacy.")
                    .score(new Score(Math.max(0, Math.min(1, revealing)), Score.Basis.MEASURED_RATE))
                    .atlas(AtlasTechnique.INVERT_AI_MODEL)
                    .evidence("mean_confidence", meanConfidence())
                    .source("inversion");
            nearestMeanAccuracy().ifPresent(a -> f.evidence("nearest_class_mean_accuracy", a));
            return new AttackReport("inversion." + settings.access().name().toLowerCase(Locale.ROOT), metrics, s,
                    OptionalLong.of(settings.seed()), List.of(f.build()));
        }
    }

    /**
     * Reconstructs one representative per class in {@code classes}.
     *
     * @param model    the attacked model (a {@link GradientModel} for gradient access)
     * @param classes  class indices to invert
     * @param start    the neutral starting input (e.g. all zeros, or a public mean)
     * @param settings how
     * @param realData optional real data, to check each reconstruction against the class means
     */
    public static Result run(Classifier model, int[] classes, double[] start, Settings settings,
                             Optional<Dataset> realData) {
        int d = model.numFeatures();
        if (start.length != d) {
            throw BadInputException.of("the start input has %d values, the model expects %d", start.length, d);
        }
        if (classes.length == 0) {
            throw BadInputException.of("give at least one class to invert");
        }
        for (int c : classes) {
            if (c < 0 || c >= model.numClasses()) {
                throw BadInputException.of("class %d is not a class of the model (0..%d)", c, model.numClasses() - 1);
            }
        }
        if (settings.access() == Access.GRADIENT && !(model instanceof GradientModel)) {
            throw BadInputException.of("gradient access needs a model with input gradients; %s has none: use "
                    + "confidence-only access", model.getClass().getSimpleName());
        }
        double[][] means = realData.map(r -> classMeans(MembershipData.alignToModel(model, r, "real data"), d))
                .orElse(null);
        SplittableRandom rng = new SplittableRandom(settings.seed());
        List<Reconstruction> out = new ArrayList<>();
        for (int c : classes) {
            out.add(invert(model, c, start, settings, rng, means));
        }
        return new Result(out, settings);
    }

    private static Reconstruction invert(Classifier model, int c, double[] start, Settings s, SplittableRandom rng,
                                         double[][] means) {
        int d = start.length;
        double[] x = start.clone();
        clip(x, s.lower(), s.upper());
        double[] grad = new double[d];
        long queries = 0;
        int it = 0;
        double conf = probability(model, x, c);
        queries++;
        for (; it < s.iterations() && conf < 1 - s.gamma(); it++) {
            if (s.access() == Access.GRADIENT) {
                Matrix g = ((GradientModel) model).lossInputGradient(new Matrix(1, d, x.clone()), new int[] {c});
                System.arraycopy(g.data(), 0, grad, 0, d);
                queries++;
            } else {
                queries += estimateGradient(model, x, c, s, rng, grad);
            }
            double norm = 0;
            for (double v : grad) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                break;
            }
            for (int j = 0; j < d; j++) {
                x[j] -= s.stepSize() * grad[j] / norm;
            }
            clip(x, s.lower(), s.upper());
            conf = probability(model, x, c);
            queries++;
        }
        Optional<Integer> nearest = Optional.empty();
        if (means != null) {
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int k = 0; k < means.length; k++) {
                if (means[k] == null) {
                    continue;
                }
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = x[j] - means[k][j];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            nearest = Optional.of(best);
        }
        return new Reconstruction(c, model.classNames().get(c), x, conf, it, queries, nearest);
    }

    /** Antithetic NES estimate of ∇(−log p_c) from 2·samples queries, batched in one predictProba call. */
    private static int estimateGradient(Classifier model, double[] x, int c, Settings s, SplittableRandom rng,
                                        double[] grad) {
        int d = x.length;
        int n = s.samples();
        double[] dirs = new double[n * d];
        Matrix q = new Matrix(2 * n, d);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < d; j++) {
                double u = rng.nextGaussian();
                dirs[k * d + j] = u;
                q.set(2 * k, j, x[j] + s.smoothing() * u);
                q.set(2 * k + 1, j, x[j] - s.smoothing() * u);
            }
        }
        Matrix p = model.predictProba(q);
        Arrays.fill(grad, 0);
        for (int k = 0; k < n; k++) {
            double plus = -Math.log(Math.max(1e-300, p.get(2 * k, c)));
            double minus = -Math.log(Math.max(1e-300, p.get(2 * k + 1, c)));
            double w = (plus - minus) / (2 * s.smoothing() * n);
            for (int j = 0; j < d; j++) {
                grad[j] += w * dirs[k * d + j];
            }
        }
        return 2 * n;
    }

    private static double probability(Classifier model, double[] x, int c) {
        return model.predictProba(new Matrix(1, x.length, x.clone())).get(0, c);
    }

    private static void clip(double[] x, double lo, double hi) {
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.max(lo, Math.min(hi, x[j]));
        }
    }

    private static double[][] classMeans(Dataset data, int d) {
        int k = data.numClasses();
        double[][] sum = new double[k][];
        int[] count = new int[k];
        for (int i = 0; i < data.size(); i++) {
            int y = data.y()[i];
            if (sum[y] == null) {
                sum[y] = new double[d];
            }
            for (int j = 0; j < d; j++) {
                sum[y][j] += data.x().get(i, j);
            }
            count[y]++;
        }
        for (int y = 0; y < k; y++) {
            if (sum[y] != null) {
                for (int j = 0; j < d; j++) {
                    sum[y][j] /= count[y];
                }
            }
        }
        return sum;
    }
}
