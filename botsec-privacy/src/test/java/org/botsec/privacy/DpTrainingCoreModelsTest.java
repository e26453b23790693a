package org.botsec.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.rand.Randomness;
import org.junit.jupiter.api.Test;

/** DP-SGD on core's own models (Mlp with ghost clipping, LinearModel) on the built-in digits8x8 data. */
class DpTrainingCoreModelsTest {
    static double accuracy(Classifier model, Dataset d) {
        Matrix p = model.predictProba(d.x());
        int ok = 0;
        for (int i = 0; i < d.size(); i++) {
            int best = 0;
            for (int c = 1; c < p.cols(); c++) {
                if (p.get(i, c) > p.get(i, best)) {
                    best = c;
                }
            }
            ok += best == d.y()[i] ? 1 : 0;
        }
        return (double) ok / d.size();
    }

    @Test
    void ghostClippingOnMlpEqualsANaiveLoopOverSingleExamples() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Mlp mlp = Mlp.create(new int[] {64, 16, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(5));
        int[] rows = new int[40];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = 7 * i;
        }
        Matrix xb = train.x().selectRows(rows);
        int[] yb = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            yb[i] = train.y()[rows[i]];
        }
        // naive: materialise each example's gradient from a one-row batch
        double[][] g = new double[rows.length][mlp.numParameters()];
        double[] norms = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            mlp.weightedGradientSum(xb.selectRows(new int[] {i}), new int[] {yb[i]}, new double[] {1.0}, g[i]);
            double sq = 0;
            for (double v : g[i]) {
                sq += v * v;
            }
            norms[i] = Math.sqrt(sq);
        }
        double[] sorted = norms.clone();
        java.util.Arrays.sort(sorted);
        double c = sorted[rows.length / 2]; // the median: about half the examples are clipped
        double[] naive = new double[mlp.numParameters()];
        int clipped = 0;
        for (int i = 0; i < rows.length; i++) {
            double scale = Math.min(1, c / norms[i]);
            clipped += norms[i] > c ? 1 : 0;
            for (int p = 0; p < naive.length; p++) {
                naive[p] += scale * g[i][p];
            }
        }
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(c).noiseMultiplier(1).learningRate(0.1).batchSize(40)
                .steps(1).delta(1e-5).build();
        double[] ghost = new double[mlp.numParameters()];
        new DpSgd(config, mlp).clippedSum(xb, yb, ghost);
        assertTrue(clipped > 5 && clipped < 40, "mix of clipped and unclipped examples: " + clipped);
        for (int p = 0; p < naive.length; p++) {
            org.junit.jupiter.api.Assertions.assertEquals(naive[p], ghost[p], 1e-9);
        }
    }

    @Test
    void mlpLearnsDigitsPrivately() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        Mlp mlp = Mlp.create(new int[] {64, 32, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(1));
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.02)
                .adam().batchSize(64).epochs(15).delta(1e-4).insecureSeed(3).build();
        DpResult r = DpTraining.train(mlp, train.x(), train.y(), config, DpProgressListener.none());
        double acc = accuracy(mlp, test);
        assertTrue(acc > 0.8, "DP MLP test accuracy " + acc + " at ε " + r.spent().epsilon());
        assertTrue(r.spent().epsilon() < 10, "ε " + r.spent().epsilon());
    }

    @Test
    void logisticRegressionLearnsDigitsPrivately() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        Dataset test = Builtins.load("digits8x8", Split.TEST);
        LinearModel lr = LinearModel.zeros(train.featureNames(), train.classNames());
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(1.0).learningRate(0.5)
                .momentum(0.9).batchSize(64).epochs(10).delta(1e-4).insecureSeed(4).build();
        DpTraining.train(lr, train.x(), train.y(), config, DpProgressListener.none());
        double acc = accuracy(lr, test);
        assertTrue(acc > 0.8, "DP logistic regression test accuracy " + acc);
    }

    /**
     * Group norms of groups of 2 and 3 examples (where the ghost norm adds the cross terms 2·Σ_{i<j} ⟨a_i, a_j⟩⟨δ_i,
     * δ_j⟩ rather than materialising the group's gradient) against an oracle: the squared norm of the group's summed
     * gradient formed by a weighted backward pass (weights 1 on the group's rows, 0 elsewhere). For core's MLP (layer
     * sizes chosen so that both layers take the pairwise path) and its linear model. Seen failing with the factor 2
     * of the cross terms changed to 1 in GhostNorms.pairwise and in LinearModel.groupNorms.
     */
    @Test
    void ghostNormCrossTermsOfGroupsOfTwoOrMoreEqualTheGroupGradient() {
        Dataset train = Builtins.load("digits8x8", Split.TRAIN);
        int[] rows = new int[12];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = 11 * i + 3;
        }
        Matrix xb = train.x().selectRows(rows);
        int[] yb = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            yb[i] = train.y()[rows[i]];
        }
        int[] groups = {0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4}; // sizes 2, 3, 2, 3, 2
        Mlp mlp = Mlp.create(new int[] {64, 16, 10}, train.featureNames(), train.classNames(),
                Randomness.replayable(8));
        LinearModel lin = LinearModel.zeros(train.featureNames(), train.classNames());
        double[] theta = new double[lin.numParameters()];
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int p = 0; p < theta.length; p++) {
            theta[p] = r.nextDouble(-0.2, 0.2);
        }
        lin.setParameters(theta);
        for (org.botsec.core.model.PerExampleGradients m : java.util.List.of(mlp, lin)) {
            double[] ghost = m.groupGradientSquaredNorms(xb, yb, groups, 5);
            for (int g = 0; g < 5; g++) {
                double[] w = new double[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    w[i] = groups[i] == g ? 1.0 : 0.0;
                }
                double[] sum = new double[m.numParameters()];
                m.weightedGradientSum(xb, yb, w, sum);
                double sq = 0;
                for (double v : sum) {
                    sq += v * v;
                }
                org.junit.jupiter.api.Assertions.assertEquals(sq, ghost[g], 1e-9 * Math.max(1, sq),
                        m.getClass().getSimpleName() + " group " + g);
            }
        }
    }
}
