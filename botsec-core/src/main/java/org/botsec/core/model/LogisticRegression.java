package org.botsec.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.internal.linear.DenseDesign;
import org.botsec.core.model.internal.linear.Design;
import org.botsec.core.model.internal.linear.Lbfgs;
import org.botsec.core.model.internal.linear.LogisticObjective;
import org.botsec.core.prov.Provenance;

/**
 * L2-penalised logistic regression with exactly the objective of scikit-learn's {@code LogisticRegression()}:
 * minimise {@code ½‖W‖² + C · Σ_i crossEntropy_i}, intercept unpenalised; two classes give a sigmoid model with
 * one coefficient row, more classes a multinomial (softmax) model. Solved with L-BFGS (Liu &amp; Nocedal 1989)
 * from zero until the largest absolute gradient component of that objective is at most {@code tolerance}
 * (default {@value #DEFAULT_TOLERANCE}, much tighter than scikit-learn's 1e-4, so results are the optimum rather
 * than an early stop).
 *
 * <p>Features on very different scales make the problem ill-conditioned (as in scikit-learn, where it ends in a
 * {@code ConvergenceWarning}); use {@link Builder#standardize(boolean) standardize(true)} for raw tabular data. A
 * fit that stops at {@code maxIterations} is logged at WARN and recorded as {@code converged=false} in the model's
 * provenance. Build with {@link #builder()}; each setting may be given once and is validated. Immutable and
 * thread-safe.
 */
public final class LogisticRegression {
    /** Default gradient tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    /** Default iteration limit. */
    public static final int DEFAULT_MAX_ITERATIONS = 2000;
    /** Trainer name recorded in provenance. */
    public static final String TRAINER = "logistic_regression/lbfgs";

    private static final int MEMORY = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogisticRegression.class);

    private final double c;
    private final int maxIterations;
    private final double tolerance;
    private final boolean standardize;

    private LogisticRegression(Builder b) {
        this.c = b.c;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.standardize = b.standardize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double c() {
        return c;
    }

    public int maxIterations() {
        return maxIterations;
    }

    public double tolerance() {
        return tolerance;
    }

    public boolean standardize() {
        return standardize;
    }

    /**
     * Fits on {@code data}. With {@link Builder#standardize(boolean) standardize}, a {@link Standardizer} is fitted
     * on the data first and kept inside the model.
     *
     * @throws BadInputException when a class has no example or a feature value is not finite
     */
    public LinearModel fit(Dataset data) {
        Matrix x = data.x();
        for (double v : x.data()) {
            if (!Double.isFinite(v)) {
                throw BadInputException.of("training data contains a non-finite value: %s", v);
            }
        }
        Standardizer scaler = standardize ? Standardizer.fit(x) : null;
        Matrix xs = scaler == null ? x : scaler.transform(x);
        return fit(new DenseDesign(xs), data.y(), data.classNames(), data.featureNames(), data.sha256(), scaler);
    }

    /** The fit result and how the solver ended. */
    record Fitted(LinearModel model, Lbfgs.Result solver) {
    }

    LinearModel fit(Design x, int[] y, List<String> classNames, List<String> featureNames, String sha256,
                    Standardizer scaler) {
        return fitWithDiagnostics(x, y, classNames, featureNames, sha256, scaler).model();
    }

    Fitted fitWithDiagnostics(Design x, int[] y, List<String> classNames, List<String> featureNames, String sha256,
                              Standardizer scaler) {
        int k = classNames.size();
        if (k < 2) {
            throw BadInputException.of("need at least two classes to train, got %s", classNames);
        }
        int[] counts = new int[k];
        for (int v : y) {
            if (v < 0 || v >= k) {
                throw BadInputException.of("label index %d is not in [0, %d)", v, k);
            }
            counts[v]++;
        }
        for (int cl = 0; cl < k; cl++) {
            if (counts[cl] == 0) {
                throw BadInputException.of("class '%s' has no examples in the training data", classNames.get(cl));
            }
        }
        LogisticObjective objective = new LogisticObjective(x, y, k, c);
        Lbfgs.Result res = Lbfgs.minimize(objective, new double[objective.numParameters()], maxIterations, tolerance,
                MEMORY);
        if (!res.converged()) {
            // As scikit-learn's ConvergenceWarning; also recorded as converged=false in the provenance.
            LOG.warn("logistic regression did not converge: {} (largest gradient component {}); "
                    + "standardise the features or raise maxIterations", res.message(), res.gradientNorm());
        }
        int r = objective.coefRows();
        int d = x.cols();
        double[] coef = java.util.Arrays.copyOf(res.x(), r * d);
        double[] intercept = java.util.Arrays.copyOfRange(res.x(), r * d, r * d + r);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("c", c);
        params.put("penalty", "l2");
        params.put("fit_intercept", true);
        params.put("multi_class", k == 2 ? "binary" : "multinomial");
        params.put("solver", "lbfgs");
        params.put("max_iter", maxIterations);
        params.put("tol", tolerance);
        params.put("standardize", scaler != null);
        params.put("n_iter", res.iterations());
        params.put("converged", res.converged());
        params.put("final_gradient_norm", res.gradientNorm());
        Provenance prov = Provenance.of(TRAINER, params, sha256, null);
        return new Fitted(LinearModel.fromFit(coef, intercept, classNames, featureNames, scaler, prov), res);
    }

    /** Builder; every setting may be given once. */
    public static final class Builder {
        private double c = 1.0;
        private int maxIterations = DEFAULT_MAX_ITERATIONS;
        private double tolerance = DEFAULT_TOLERANCE;
        private boolean standardize;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {
        }

        private void once(String name) {
            if (!set.add(name)) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** Inverse regularisation strength C (scikit-learn's {@code C}); must be &gt; 0 and finite. Default 1. */
        public Builder c(double value) {
            once("c");
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("c must be > 0 and finite, got " + value);
            }
            this.c = value;
            return this;
        }

        /** Most L-BFGS iterations; must be ≥ 1. Default {@value LogisticRegression#DEFAULT_MAX_ITERATIONS}. */
        public Builder maxIterations(int value) {
            once("maxIterations");
            if (value < 1) {
                throw new IllegalArgumentException("maxIterations must be >= 1, got " + value);
            }
            this.maxIterations = value;
            return this;
        }

        /** Gradient tolerance (max-norm of the objective's gradient); must be &gt; 0 and finite. */
        public Builder tolerance(double value) {
            once("tolerance");
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("tolerance must be > 0 and finite, got " + value);
            }
            this.tolerance = value;
            return this;
        }

        /** Fit a standardiser on the training data and apply it inside the model. Default false. */
        public Builder standardize(boolean value) {
            once("standardize");
            this.standardize = value;
            return this;
        }

        public LogisticRegression build() {
            return new LogisticRegression(this);
        }
    }
}
