package org.botsec.attack.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.botsec.attack.audit.EpsilonLowerBound;
import org.botsec.attack.inference.internal.Signals;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;

/**
 * Membership inference against a classifier that returns probabilities: given known members and non-members of
 * its training set, how well can an attacker tell them apart? Four attacks ({@link MembershipMethod}):
 * <ul>
 *   <li>{@code THRESHOLD} — Yeom, Giacomelli, Fredrikson, Jha 2018, "Privacy Risk in Machine Learning: Analyzing
 *       the Connection to Overfitting" (CSF): the score is the record's log-likelihood (minus its loss), or the top
 *       confidence; no shadow models.</li>
 *   <li>{@code SHADOW} — Shokri, Stronati, Song, Shmatikov 2017, "Membership Inference Attacks Against Machine
 *       Learning Models" (IEEE S&amp;P): shadow models trained like the target on attacker data whose membership
 *       is known give labelled (prediction vector, in/out) pairs; one attack model per class (here L2 logistic
 *       regression on the probability vector and the logit-scaled confidence) learns to tell in from out.</li>
 *   <li>{@code LIRA_ONLINE} / {@code LIRA_OFFLINE} — Carlini, Chien, Nasr, Song, Terzis, Tramèr 2022, "Membership
 *       Inference Attacks From First Principles" (IEEE S&amp;P): per record, Gaussians fitted to the logit-scaled
 *       confidence φ over shadows that did (IN) and did not (OUT) train on it; the online score is the likelihood
 *       ratio N(φ; μ_in, σ_in²) / N(φ; μ_out, σ_out²), the offline score the one-sided z-score (φ − μ_out)/σ_out.
 *       With few shadows one variance pooled over all records is used ("fixed variance", their §VI-A).</li>
 * </ul>
 * Shadow models train on random halves of the candidate pool (members ∪ non-members, plus any extra
 * {@linkplain Builder#population population} data): each record is IN for exactly half of the shadows, as in
 * Carlini et al.'s experiments. Offline LiRA uses only the OUT half.
 *
 * <p>Every result carries its ROC, AUC, TPR at 1% and 0.1% FPR and the empirical ε lower bound the scores imply
 * ({@link EpsilonLowerBound}). Shadow training and splits are seeded and the seed is recorded. Not thread-safe.
 */
public final class MembershipInference {
    /** Default number of shadow models. */
    public static final int DEFAULT_SHADOWS = 16;
    /** Per-record variances are used only when each record has at least this many IN and OUT shadows. */
    public static final int MIN_SHADOWS_PER_SIDE_FOR_PER_RECORD_VARIANCE = 32;
    /** Largest number of shadow models. */
    public static final int MAX_SHADOWS = 1024;

    private final MembershipMethod method;
    private final MembershipSignal signal;
    private final int numShadows;
    private final Optional<ShadowTrainer> shadowTrainer;
    private final Optional<Dataset> population;
    private final long seed;
    private final double delta;
    private final double confidence;
    private final ShadowProgress progress;

    /** Called after each shadow model is trained. */
    @FunctionalInterface
    public interface ShadowProgress {
        ShadowProgress NONE = (done, total) -> { };

        void onShadowTrained(int done, int total);
    }

    private MembershipInference(Builder b) {
        method = b.method;
        signal = b.signal == null ? MembershipSignal.LOSS : b.signal;
        numShadows = b.numShadows == null ? DEFAULT_SHADOWS : b.numShadows;
        shadowTrainer = Optional.ofNullable(b.shadowTrainer);
        population = Optional.ofNullable(b.population);
        seed = b.seed;
        delta = b.delta == null ? 0.0 : b.delta;
        confidence = b.confidence == null ? EpsilonLowerBound.DEFAULT_CONFIDENCE : b.confidence;
        progress = b.progress == null ? ShadowProgress.NONE : b.progress;
    }

    public static Builder builder(MembershipMethod method) {
        return new Builder(method);
    }

    /**
     * Runs the attack.
     *
     * @param target the attacked model (only its probabilities are used)
     * @param data   members and non-members, labels in the model's class order ({@link MembershipData#forModel})
     */
    public MembershipResult run(Classifier target, MembershipData data) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", method.label());
        settings.put("delta", delta);
        settings.put("confidence", confidence);
        MembershipScores scores;
        OptionalLong usedSeed = OptionalLong.empty();
        switch (method) {
            case THRESHOLD -> {
                settings.put("signal", signal.name().toLowerCase(java.util.Locale.ROOT));
                scores = new MembershipScores(threshold(target, data.members()), threshold(target, data.nonMembers()));
            }
            case SHADOW, LIRA_ONLINE, LIRA_OFFLINE -> {
                settings.put("shadow_models", numShadows);
                settings.put("population_rows", population.map(Dataset::size).orElse(0));
                ShadowTrainer trainer = shadowTrainer.orElseGet(() -> ShadowTrainers.like(target));
                settings.put("shadow_architecture", ShadowTrainers.describe(target));
                scores = shadowAttack(target, data, trainer, settings);
                usedSeed = OptionalLong.of(seed);
            }
            default -> throw new IllegalStateException("unknown method " + method);
        }
        EpsilonLowerBound bound = EpsilonLowerBound.fromScores(scores, delta, confidence,
                EpsilonLowerBound.DEFAULT_MAX_THRESHOLDS);
        return new MembershipResult(method, scores, scores.roc(), bound, settings, usedSeed);
    }

    private double[] threshold(Classifier target, Dataset d) {
        Matrix p = target.predictProba(d.x());
        return signal == MembershipSignal.LOSS ? Signals.logTrueClassProbability(p, d.y()) : Signals.maxProbability(p);
    }

    private MembershipScores shadowAttack(Classifier target, MembershipData data, ShadowTrainer trainer,
                                          Map<String, Object> settings) {
        Dataset candidates = data.pooled();
        Dataset pool = population.map(p -> concat(candidates, MembershipData.alignToModel(target, p, "population")))
                .orElse(candidates);
        int n = pool.size();
        int c = candidates.size();
        SplittableRandom rng = new SplittableRandom(seed);
        // in[s][i]: shadow s trains on pool row i. Each row is IN for exactly half the shadows (Carlini et al.).
        boolean[][] in = new boolean[numShadows][n];
        int[] shadowIdx = new int[numShadows];
        for (int s = 0; s < numShadows; s++) {
            shadowIdx[s] = s;
        }
        for (int i = 0; i < n; i++) {
            shuffle(shadowIdx, rng);
            for (int k = 0; k < numShadows / 2; k++) {
                in[shadowIdx[k]][i] = true;
            }
        }
        Matrix[] shadowProba = new Matrix[numShadows];
        for (int s = 0; s < numShadows; s++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                count += in[s][i] ? 1 : 0;
            }
            int[] rows = new int[count];
            for (int i = 0, k = 0; i < n; i++) {
                if (in[s][i]) {
                    rows[k++] = i;
                }
            }
            Dataset train = pool.subset(rows);
            if (train.numClasses() > 0 && missingClass(train)) {
                throw BadInputException.of("shadow model %d would train on data missing a class; give more "
                        + "candidates or --population rows", s);
            }
            Classifier shadow = trainer.train(train, rng.nextLong());
            shadowProba[s] = shadow.predictProba(candidates.x());
            progress.onShadowTrained(s + 1, numShadows);
        }
        Matrix targetProba = target.predictProba(candidates.x());
        double[] scores = method == MembershipMethod.SHADOW
                ? shokri(shadowProba, in, candidates, targetProba, settings)
                : lira(shadowProba, in, candidates, targetProba, settings);
        int m = data.members().size();
        double[] mem = java.util.Arrays.copyOfRange(scores, 0, m);
        double[] non = java.util.Arrays.copyOfRange(scores, m, c);
        return new MembershipScores(mem, non);
    }

    private double[] lira(Matrix[] shadowProba, boolean[][] in, Dataset candidates, Matrix targetProba,
                          Map<String, Object> settings) {
        int c = candidates.size();
        int[] y = candidates.y();
        double[][] phi = new double[numShadows][];
        for (int s = 0; s < numShadows; s++) {
            phi[s] = Signals.logitConfidence(shadowProba[s], y);
        }
        double[] observed = Signals.logitConfidence(targetProba, y);
        double[] muIn = new double[c];
        double[] muOut = new double[c];
        double[] varIn = new double[c];
        double[] varOut = new double[c];
        double pooledIn = 0;
        double pooledOut = 0;
        for (int i = 0; i < c; i++) {
            double sIn = 0;
            double sOut = 0;
            int nIn = 0;
            int nOut = 0;
            for (int s = 0; s < numShadows; s++) {
                if (in[s][i]) {
                    sIn += phi[s][i];
                    nIn++;
                } else {
                    sOut += phi[s][i];
                    nOut++;
                }
            }
            muIn[i] = sIn / nIn;
            muOut[i] = sOut / nOut;
            double qIn = 0;
            double qOut = 0;
            for (int s = 0; s < numShadows; s++) {
                double dv = in[s][i] ? phi[s][i] - muIn[i] : phi[s][i] - muOut[i];
                if (in[s][i]) {
                    qIn += dv * dv;
                } else {
                    qOut += dv * dv;
                }
            }
            varIn[i] = qIn / Math.max(1, nIn - 1);
            varOut[i] = qOut / Math.max(1, nOut - 1);
            pooledIn += varIn[i] / c;
            pooledOut += varOut[i] / c;
        }
        boolean perRecord = numShadows / 2 >= MIN_SHADOWS_PER_SIDE_FOR_PER_RECORD_VARIANCE;
        settings.put("variance", perRecord ? "per_record" : "fixed");
        double floor = 1e-6;
        double[] scores = new double[c];
        for (int i = 0; i < c; i++) {
            double vOut = Math.max(floor, perRecord ? varOut[i] : pooledOut);
            if (method == MembershipMethod.LIRA_OFFLINE) {
                scores[i] = (observed[i] - muOut[i]) / Math.sqrt(vOut);
            } else {
                double vIn = Math.max(floor, perRecord ? varIn[i] : pooledIn);
                scores[i] = logNormal(observed[i], muIn[i], vIn) - logNormal(observed[i], muOut[i], vOut);
            }
        }
        return scores;
    }

    private static double logNormal(double x, double mu, double var) {
        double d = x - mu;
        return -0.5 * Math.log(2 * Math.PI * var) - d * d / (2 * var);
    }

    private double[] shokri(Matrix[] shadowProba, boolean[][] in, Dataset candidates, Matrix targetProba,
                            Map<String, Object> settings) {
        int c = candidates.size();
        int k = candidates.numClasses();
        int[] y = candidates.y();
        int width = k + 1;
        List<String> names = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            names.add("p" + j);
        }
        names.add("logit_confidence");
        List<String> inOut = List.of("out", "in");
        double[] features = new double[numShadows * c * width];
        int[] labels = new int[numShadows * c];
        int[] classOf = new int[numShadows * c];
        for (int s = 0; s < numShadows; s++) {
            fillFeatures(shadowProba[s], y, features, s * c * width, width);
            for (int i = 0; i < c; i++) {
                labels[s * c + i] = in[s][i] ? 1 : 0;
                classOf[s * c + i] = y[i];
            }
        }
        Dataset all = new Dataset(new Matrix(numShadows * c, width, features), labels, names, inOut, "");
        LogisticRegression attackTrainer = LogisticRegression.builder().c(1.0).standardize(true).build();
        LinearModel global = attackTrainer.fit(all);
        double[] targetFeatures = new double[c * width];
        fillFeatures(targetProba, y, targetFeatures, 0, width);
        Matrix tf = new Matrix(c, width, targetFeatures);
        double[] scores = new double[c];
        int perClassModels = 0;
        for (int cls = 0; cls < k; cls++) {
            List<Integer> rows = new ArrayList<>();
            int ins = 0;
            for (int r = 0; r < classOf.length; r++) {
                if (classOf[r] == cls) {
                    rows.add(r);
                    ins += labels[r];
                }
            }
            LinearModel model = global;
            // A per-class attack model as in Shokri et al., when the class has enough IN and OUT examples.
            if (ins >= 10 && rows.size() - ins >= 10) {
                model = attackTrainer.fit(all.subset(rows.stream().mapToInt(Integer::intValue).toArray()));
                perClassModels++;
            }
            List<Integer> targets = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                if (y[i] == cls) {
                    targets.add(i);
                }
            }
            if (targets.isEmpty()) {
                continue;
            }
            int[] t = targets.stream().mapToInt(Integer::intValue).toArray();
            Matrix p = model.predictProba(tf.selectRows(t));
            for (int j = 0; j < t.length; j++) {
                // Log-odds rather than the probability, so that very confident scores keep their order.
                double pin = p.get(j, 1);
                scores[t[j]] = Math.log(Math.max(1e-300, pin)) - Math.log(Math.max(1e-300, 1 - pin));
            }
        }
        settings.put("attack_models_per_class", perClassModels);
        return scores;
    }

    private static void fillFeatures(Matrix proba, int[] y, double[] out, int offset, int width) {
        double[] phi = Signals.logitConfidence(proba, y);
        int k = proba.cols();
        for (int i = 0; i < proba.rows(); i++) {
            for (int j = 0; j < k; j++) {
                out[offset + i * width + j] = proba.get(i, j);
            }
            out[offset + i * width + k] = phi[i];
        }
    }

    private static boolean missingClass(Dataset d) {
        boolean[] seen = new boolean[d.numClasses()];
        int count = 0;
        for (int v : d.y()) {
            if (!seen[v]) {
                seen[v] = true;
                count++;
            }
        }
        return count < d.numClasses();
    }

    private static Dataset concat(Dataset a, Dataset b) {
        int d = a.numFeatures();
        double[] x = new double[(a.size() + b.size()) * d];
        System.arraycopy(a.x().data(), 0, x, 0, a.size() * d);
        System.arraycopy(b.x().data(), 0, x, a.size() * d, b.size() * d);
        int[] y = new int[a.size() + b.size()];
        System.arraycopy(a.y(), 0, y, 0, a.size());
        System.arraycopy(b.y(), 0, y, a.size(), b.size());
        return new Dataset(new Matrix(a.size() + b.size(), d, x), y, a.featureNames(), a.classNames(), "");
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Builder; each setting may be made once; {@link #build()} checks combinations. */
    public static final class Builder {
        private final MembershipMethod method;
        private MembershipSignal signal;
        private Integer numShadows;
        private ShadowTrainer shadowTrainer;
        private Dataset population;
        private long seed;
        private boolean seedSet;
        private Double delta;
        private Double confidence;
        private ShadowProgress progress;

        private Builder(MembershipMethod method) {
            if (method == null) {
                throw new IllegalArgumentException("method must not be null");
            }
            this.method = method;
        }

        /** What the threshold attack reads; default {@link MembershipSignal#LOSS}. */
        public Builder signal(MembershipSignal value) {
            once(signal, "signal");
            signal = java.util.Objects.requireNonNull(value, "signal");
            return this;
        }

        /** Shadow models (even, 2..1024); default 16. */
        public Builder numShadows(int value) {
            once(numShadows, "numShadows");
            if (value < 2 || value > MAX_SHADOWS || value % 2 != 0) {
                throw BadInputException.of("the number of shadow models must be even and in [2, %d], got %d",
                        MAX_SHADOWS, value);
            }
            numShadows = value;
            return this;
        }

        /** How shadows are trained; default {@link ShadowTrainers#like} the target. */
        public Builder shadowTrainer(ShadowTrainer value) {
            once(shadowTrainer, "shadowTrainer");
            shadowTrainer = java.util.Objects.requireNonNull(value, "shadowTrainer");
            return this;
        }

        /** Extra attacker data for shadow training (same features and classes as the target). */
        public Builder population(Dataset value) {
            once(population, "population");
            population = java.util.Objects.requireNonNull(value, "population");
            return this;
        }

        /** Seed for shadow splits and training (required for shadow attacks). */
        public Builder seed(long value) {
            if (seedSet) {
                throw new IllegalStateException("seed was already set");
            }
            seed = value;
            seedSet = true;
            return this;
        }

        /** δ of the empirical ε bound; default 0. */
        public Builder delta(double value) {
            once(delta, "delta");
            if (!(value >= 0 && value < 1)) {
                throw BadInputException.of("delta must be in [0, 1), got %s", value);
            }
            delta = value;
            return this;
        }

        /** Confidence of the empirical ε bound; default 0.95. */
        public Builder confidence(double value) {
            once(confidence, "confidence");
            if (!(value > 0 && value < 1)) {
                throw BadInputException.of("confidence must be in (0, 1), got %s", value);
            }
            confidence = value;
            return this;
        }

        public Builder progress(ShadowProgress value) {
            once(progress, "progress");
            progress = java.util.Objects.requireNonNull(value, "progress");
            return this;
        }

        public MembershipInference build() {
            boolean shadows = method != MembershipMethod.THRESHOLD;
            if (shadows && !seedSet) {
                throw new IllegalStateException(method.label() + " trains shadow models: set a seed");
            }
            if (!shadows && (numShadows != null || shadowTrainer != null || population != null)) {
                throw new IllegalStateException("the threshold attack uses no shadow models; do not set "
                        + "numShadows, shadowTrainer or population");
            }
            if (shadows && signal != null) {
                throw new IllegalStateException("signal applies to the threshold attack only");
            }
            return new MembershipInference(this);
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }
    }
}
