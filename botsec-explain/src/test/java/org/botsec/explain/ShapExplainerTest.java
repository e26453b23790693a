package org.botsec.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** SHAP against golden/shap_case_* (numpy brute force and shap 0.50.0 KernelExplainer, see golden/README.md). */
class ShapExplainerTest {
    private static final ShapGolden G = new ShapGolden();

    private static ShapExplainer.Builder builder(ShapMethod m) {
        return ShapExplainer.builder().method(m).model(G.classifier()).background(G.background());
    }

    @Test
    void exactMatchesBruteForceGoldenAndIsAdditive() throws IOException {
        ShapExplainer ex = builder(ShapMethod.EXACT).build();
        List<String[]> rows = ShapGolden.csv("golden/shap_case_exact.csv");
        for (String[] r : rows.subList(1, rows.size())) {
            int row = Integer.parseInt(r[0]);
            Explanation e = ex.explain(G.data.row(row));
            assertEquals(Double.parseDouble(r[1]), e.intercept(), 1e-12, "base value");
            assertEquals(Double.parseDouble(r[2]), e.prediction(), 1e-15, "f(x)");
            for (int j = 0; j < 10; j++) {
                assertEquals(Double.parseDouble(r[3 + j]), e.weights().get(j).weight(), 1e-9, "phi_" + j);
            }
            assertEquals(e.prediction(), e.intercept() + e.sumOfWeights(), 1e-9, "additivity");
            assertEquals(1024, e.numSamples());
        }
    }

    @Test
    void kernelWithFullEnumerationMatchesShapAndExact() throws IOException {
        List<String[]> rows = ShapGolden.csv("golden/shap_case_kernel.csv");
        ShapExplainer ex = builder(ShapMethod.KERNEL).nsamples(2048).seed(0).build();
        int checked = 0;
        for (String[] r : rows.subList(1, rows.size())) {
            if (!r[0].startsWith("nsamples=2048;l1_reg=False")) {
                continue;
            }
            Explanation e = ex.explain(G.data.row(Integer.parseInt(r[2])));
            assertEquals(1022, e.numSamples(), "2^10 − 2 coalitions enumerated");
            assertEquals(Double.parseDouble(r[3]), e.intercept(), 1e-12);
            for (int j = 0; j < 10; j++) {
                assertEquals(Double.parseDouble(r[4 + j]), e.weights().get(j).weight(), 1e-8, "phi_" + j);
            }
            assertEquals(e.prediction(), e.localPrediction(), 1e-9, "additivity");
            checked++;
        }
        assertEquals(3, checked);
    }

    /**
     * shap's default {@code l1_reg="num_features(10)"} with 10 features keeps them all: golden rows for that
     * setting equal the exact values (1e-8). With k = 4 only four features get a value and the efficiency
     * constraint still holds. (Which four shap would pick is not in the golden files; ours are the first four
     * variables to enter least-angle regression on shap's augmented problem.)
     */
    @Test
    void l1NumFeaturesSelectionAsShap() throws IOException {
        List<String[]> rows = ShapGolden.csv("golden/shap_case_kernel.csv");
        ShapExplainer ten = builder(ShapMethod.KERNEL).nsamples(2048).l1NumFeatures(10).seed(0).build();
        for (String[] r : rows.subList(1, rows.size())) {
            if (!r[0].startsWith("nsamples=2048;l1_reg=num_features(10)")) {
                continue;
            }
            Explanation e = ten.explain(G.data.row(Integer.parseInt(r[2])));
            for (int j = 0; j < 10; j++) {
                assertEquals(Double.parseDouble(r[4 + j]), e.weights().get(j).weight(), 1e-8);
            }
        }
        Explanation four = builder(ShapMethod.KERNEL).nsamples(2048).l1NumFeatures(4).seed(0).build()
                .explain(G.data.row(0));
        List<Integer> nonZero = new java.util.ArrayList<>();
        for (FeatureWeight w : four.weights()) {
            if (w.weight() != 0) {
                nonZero.add(w.index());
            }
        }
        assertEquals(4, nonZero.size(), nonZero.toString());
        assertEquals(four.prediction(), four.localPrediction(), 1e-12, "efficiency");
    }

    /**
     * k &lt; M against shap itself: golden/shap_case_l1.csv is shap 0.50.0 (commit e7277dc49ea3)
     * {@code KernelExplainer(f, rows 0..49).shap_values(x, nsamples=2048, l1_reg="num_features(k)")} for k = 3, 5
     * and rows 0..4 (all 1022 coalitions enumerated, so no randomness), written by make_shap_l1_golden.py in
     * that folder together with the order in which scikit-learn's {@code lars_path} let the features in. Ours
     * must give a value to exactly the same features and match every φ to 1e-12 (measured: 3e-16, rounding).
     */
    @Test
    void l1NumFeaturesBelowMMatchesShapGolden() throws IOException {
        List<String[]> rows = ShapGolden.csv("golden/shap_case_l1.csv");
        int checked = 0;
        for (String[] r : rows.subList(1, rows.size())) {
            int k = Integer.parseInt(r[0].replaceAll(".*num_features\\((\\d+)\\).*", "$1"));
            int row = Integer.parseInt(r[1]);
            Explanation e = builder(ShapMethod.KERNEL).nsamples(2048).l1NumFeatures(k).seed(0).build()
                    .explain(G.data.row(row));
            String where = "k=" + k + " row " + row;
            assertEquals(1022, e.numSamples(), where);
            assertEquals(Double.parseDouble(r[2]), e.intercept(), 1e-12, where + " base value");
            List<Integer> shapSelected = new java.util.ArrayList<>();
            for (String s : r[13].split(";")) {
                shapSelected.add(Integer.parseInt(s));
            }
            assertEquals(k, shapSelected.size(), where);
            List<Integer> ours = new java.util.ArrayList<>();
            List<Integer> theirs = new java.util.ArrayList<>();
            for (int j = 0; j < 10; j++) {
                double reference = Double.parseDouble(r[3 + j]);
                if (e.weights().get(j).weight() != 0) {
                    ours.add(j);
                }
                if (reference != 0) {
                    theirs.add(j);
                }
                assertEquals(reference, e.weights().get(j).weight(), 1e-12, where + " phi_" + j);
            }
            assertEquals(theirs, ours, where + " selected features");
            assertEquals(shapSelected.stream().sorted().toList(), ours, where + " lars_path active set");
            assertEquals(e.prediction(), e.localPrediction(), 1e-12, where + " efficiency");
            checked++;
        }
        assertEquals(10, checked);
    }

    /**
     * nsamples = 200 is a random estimate in shap and here; our estimates over 40 seeds give a per-feature
     * mean and standard deviation. shap's three seeded runs must lie within 5 sd of our mean, and the typical
     * size of shap's error must be comparable to ours (ratio of RMS errors within [1/3, 3]).
     */
    @Test
    void kernelWithSampledCoalitionsIsStatisticallyConsistentWithShap() throws IOException {
        List<String[]> rows = ShapGolden.csv("golden/shap_case_kernel.csv");
        List<String[]> exact = ShapGolden.csv("golden/shap_case_exact.csv");
        int seeds = 40;
        for (int row = 0; row < 3; row++) {
            double[][] est = new double[seeds][];
            for (int s = 0; s < seeds; s++) {
                Explanation e = builder(ShapMethod.KERNEL).nsamples(200).seed(1000 + s).build()
                        .explain(G.data.row(row));
                assertEquals(e.prediction(), e.localPrediction(), 1e-9, "efficiency holds for every estimate");
                est[s] = e.weights().stream().mapToDouble(FeatureWeight::weight).toArray();
            }
            double ourSq = 0;
            double shapSq = 0;
            int shapCount = 0;
            for (int j = 0; j < 10; j++) {
                double mean = 0;
                for (double[] e : est) {
                    mean += e[j] / seeds;
                }
                double var = 0;
                for (double[] e : est) {
                    var += (e[j] - mean) * (e[j] - mean) / (seeds - 1);
                }
                double sd = Math.sqrt(var);
                double truth = Double.parseDouble(exact.get(row + 1)[3 + j]);
                for (double[] e : est) {
                    ourSq += (e[j] - truth) * (e[j] - truth);
                }
                for (String[] r : rows) {
                    if (r[0].startsWith("nsamples=200;") && Integer.parseInt(r[2]) == row) {
                        double shap = Double.parseDouble(r[4 + j]);
                        assertEquals(mean, shap, 5 * sd + 1e-12, "row " + row + " phi_" + j);
                        shapSq += (shap - truth) * (shap - truth);
                        shapCount++;
                    }
                }
                assertEquals(truth, mean, 5 * sd / Math.sqrt(seeds) + 2e-3, "our mean near exact");
            }
            double ourRms = Math.sqrt(ourSq / (seeds * 10));
            double shapRms = Math.sqrt(shapSq / shapCount);
            assertTrue(shapRms / ourRms > 1.0 / 3 && shapRms / ourRms < 3, "rms " + shapRms + " vs " + ourRms);
        }
    }

    /** Linear SHAP's closed form equals exact Shapley enumeration of the margin (an independent oracle). */
    @Test
    void linearClosedFormEqualsExactEnumerationOfMargin() {
        ShapExplainer linear = ShapExplainer.builder().method(ShapMethod.LINEAR)
                .linearModel(new double[][] {G.coef}, new double[] {G.intercept}).background(G.background()).build();
        ShapExplainer exactMargin = ShapExplainer.builder().method(ShapMethod.EXACT).background(G.background())
                .classNames(List.of("margin")).label(0)
                .predictProba(x -> {
                    Matrix out = new Matrix(x.rows(), 1);
                    for (int i = 0; i < x.rows(); i++) {
                        double z = G.intercept;
                        for (int j = 0; j < 10; j++) {
                            z += G.coef[j] * x.get(i, j);
                        }
                        out.set(i, 0, z);
                    }
                    return out;
                }).build();
        for (int row = 0; row < 5; row++) {
            Explanation a = linear.explain(G.data.row(row));
            Explanation b = exactMargin.explain(G.data.row(row));
            for (int j = 0; j < 10; j++) {
                assertEquals(b.weights().get(j).weight(), a.weights().get(j).weight(), 1e-9);
            }
            assertEquals(a.prediction(), a.intercept() + a.sumOfWeights(), 1e-9, "additivity");
            double p = G.classifier().predictProba(new Matrix(1, 10, G.data.row(row))).get(0, 1);
            assertEquals(Math.log(p / (1 - p)), a.prediction(), 1e-9, "explains the logit");
        }
    }

    /**
     * With linear coefficients the explainer evaluates v(S) from background scores plus Σ β_j (x_j − b_j)
     * (LinearCoalitionValues) instead of building synthetic rows; it must give the golden exact values and the
     * same Kernel SHAP values as the black-box path, for a binary and a 3-class softmax model.
     */
    @Test
    void linearFastPathEqualsBlackBoxEvaluation() throws IOException {
        ShapExplainer fast = ShapExplainer.builder().method(ShapMethod.EXACT)
                .linearModel(new double[][] {G.coef}, new double[] {G.intercept}).background(G.background()).build();
        List<String[]> rows = ShapGolden.csv("golden/shap_case_exact.csv");
        Explanation e = fast.explain(G.data.row(0));
        for (int j = 0; j < 10; j++) {
            assertEquals(Double.parseDouble(rows.get(1)[3 + j]), e.weights().get(j).weight(), 1e-9);
        }
        // binary, both labels: class 0's values are the negated class-1 values (P0 = 1 − P1) and equal the black box
        for (int label = 0; label < 2; label++) {
            Explanation a = ShapExplainer.builder().linearModel(new double[][] {G.coef}, new double[] {G.intercept})
                    .background(G.background()).label(label).nsamples(300).seed(9).build().explain(G.data.row(7));
            Explanation c = ShapExplainer.builder().model(G.classifier()).background(G.background()).label(label)
                    .nsamples(300).seed(9).build().explain(G.data.row(7));
            for (int j = 0; j < 10; j++) {
                assertEquals(c.weights().get(j).weight(), a.weights().get(j).weight(), 1e-12, "label " + label);
            }
        }
        double[][] w = new double[3][10];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (double[] row : w) {
            for (int j = 0; j < 10; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[] b = {0.1, -0.2, 0.3};
        for (int label = 0; label < 3; label++) {
            ShapExplainer viaCoef = ShapExplainer.builder().linearModel(w, b).background(G.background())
                    .label(label).nsamples(300).seed(9).build();
            ShapExplainer viaFunction = ShapExplainer.builder().background(G.background()).label(label).nsamples(300)
                    .seed(9).predictProba(x -> softmax(w, b, x)).build();
            Explanation a = viaCoef.explain(G.data.row(7));
            Explanation c = viaFunction.explain(G.data.row(7));
            for (int j = 0; j < 10; j++) {
                assertEquals(c.weights().get(j).weight(), a.weights().get(j).weight(), 1e-12);
            }
        }
    }

    /**
     * The golden model as a core {@code LinearModel}, without and with a standardiser in front (coefficients
     * rescaled so the function is the same): passed as an opaque prediction function (every synthetic row goes
     * through LinearModel.predictProba, in parallel blocks) it must give the values of the linear fast path
     * (.linearModel) to 1e-12, and both the shap 0.50.0 golden Kernel SHAP values (1e-8) and the numpy exact ones
     * (1e-9).
     */
    @Test
    void blackBoxLinearModelEqualsFastPathOnGoldenCase() throws IOException {
        double[] mean = new double[10];
        double[] scale = new double[10];
        double[][] scaledCoef = new double[1][10];
        double scaledIntercept = G.intercept;
        for (int j = 0; j < 10; j++) {
            mean[j] = 0.25 * j - 1;
            scale[j] = 0.5 + 0.3 * j;
            scaledCoef[0][j] = G.coef[j] * scale[j];
            scaledIntercept += G.coef[j] * mean[j];
        }
        List<String> classes = List.of("malignant", "benign");
        List<org.botsec.core.model.LinearModel> models = List.of(
                org.botsec.core.model.LinearModel.of(new double[][] {G.coef}, new double[] {G.intercept}, classes,
                        G.featureNames),
                org.botsec.core.model.LinearModel.of(scaledCoef, new double[] {scaledIntercept}, classes,
                        G.featureNames, mean, scale));
        List<String[]> kernelRows = ShapGolden.csv("golden/shap_case_kernel.csv").stream()
                .filter(r -> r[0].startsWith("nsamples=2048;l1_reg=False")).toList();
        List<String[]> exactRows = ShapGolden.csv("golden/shap_case_exact.csv");
        exactRows = exactRows.subList(1, exactRows.size());
        for (org.botsec.core.model.LinearModel lm : models) {
            for (ShapMethod method : List.of(ShapMethod.KERNEL, ShapMethod.EXACT)) {
                List<String[]> golden = method == ShapMethod.KERNEL ? kernelRows : exactRows;
                int phiColumn = method == ShapMethod.KERNEL ? 4 : 3;
                int rowColumn = method == ShapMethod.KERNEL ? 2 : 0;
                int[] idx = golden.stream().mapToInt(r -> Integer.parseInt(r[rowColumn])).toArray();
                Matrix xs = G.data.selectRows(idx);
                List<Explanation> fast = ShapExplainer.builder().method(method).linearModel(lm)
                        .background(G.background()).nsamples(2048).seed(0).build().explainRows(xs);
                List<Explanation> box = ShapExplainer.builder().method(method).predictProba(lm::predictProba)
                        .classNames(lm.classNames()).background(G.background()).nsamples(2048).seed(0).build()
                        .explainRows(xs);
                for (int i = 0; i < idx.length; i++) {
                    assertEquals(fast.get(i).intercept(), box.get(i).intercept(), 1e-12, "base value");
                    for (int j = 0; j < 10; j++) {
                        double reference = Double.parseDouble(golden.get(i)[phiColumn + j]);
                        String what = lm + " " + method + " row " + idx[i] + " phi_" + j;
                        assertEquals(fast.get(i).weights().get(j).weight(), box.get(i).weights().get(j).weight(),
                                1e-12, what);
                        assertEquals(reference, box.get(i).weights().get(j).weight(),
                                method == ShapMethod.KERNEL ? 1e-8 : 1e-9, what);
                    }
                }
            }
        }
    }

    private static Matrix softmax(double[][] w, double[] b, Matrix x) {
        Matrix out = new Matrix(x.rows(), w.length);
        for (int i = 0; i < x.rows(); i++) {
            double[] z = new double[w.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < w.length; c++) {
                z[c] = b[c];
                for (int j = 0; j < x.cols(); j++) {
                    z[c] += w[c][j] * x.get(i, j);
                }
                max = Math.max(max, z[c]);
            }
            double s = 0;
            for (int c = 0; c < w.length; c++) {
                s += Math.exp(z[c] - max);
            }
            for (int c = 0; c < w.length; c++) {
                out.set(i, c, Math.exp(z[c] - max) / s);
            }
        }
        return out;
    }

    @Test
    void logitLinkAddsUpOnLogOddsScale() {
        Explanation e = builder(ShapMethod.EXACT).link(Link.LOGIT).build().explain(G.data.row(3));
        double p = e.classProbabilities().get(1);
        assertEquals(Math.log(p / (1 - p)), e.intercept() + e.sumOfWeights(), 1e-9);
        Explanation k = builder(ShapMethod.KERNEL).link(Link.LOGIT).nsamples(5000).seed(1).build()
                .explain(G.data.row(3));
        for (int j = 0; j < 10; j++) {
            assertEquals(e.weights().get(j).weight(), k.weights().get(j).weight(), 1e-8);
        }
    }

    @Test
    void batchIsParallelAndDeterministicPerRow() {
        ShapExplainer ex = builder(ShapMethod.KERNEL).nsamples(100).seed(42).build();
        Matrix rows = G.data.selectRows(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        List<Explanation> a = ex.explainRows(rows);
        List<Explanation> b = ex.explainRows(rows);
        assertEquals(8, a.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(a.get(i).weights(), b.get(i).weights());
            assertEquals(org.botsec.explain.internal.Seeds.forRow(42, i), a.get(i).seed().getAsLong());
        }
        // a row's result depends on its own seed only, not on which other rows are in the batch
        List<Explanation> tail = ex.explainRows(G.data.selectRows(new int[] {0}));
        assertEquals(a.get(0).weights(), tail.get(0).weights());
    }

    @Test
    void refusesExactAboveTwentyFeaturesAndColumnMismatch() {
        Matrix wide = new Matrix(3, 21);
        for (int i = 0; i < wide.data().length; i++) {
            wide.data()[i] = i % 7;
        }
        ShapExplainer ex = ShapExplainer.builder().method(ShapMethod.EXACT).background(Background.of(wide))
                .predictProba(x -> new Matrix(x.rows(), 2)).build();
        double[] row = new double[21];
        java.util.Arrays.fill(row, 100);
        BadInputException bad = assertThrows(BadInputException.class, () -> ex.explain(row));
        assertTrue(bad.getMessage().contains("kernel"), bad.getMessage());
        assertThrows(BadInputException.class, () -> builder(ShapMethod.EXACT).build().explain(new double[9]));
        assertThrows(BadInputException.class, () -> builder(ShapMethod.EXACT).label(2).build());
        assertThrows(BadInputException.class, () -> builder(ShapMethod.LINEAR).build());
        // SampleLimits: [2, 2,000,000] whatever the width
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).nsamples(2_000_001));
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).nsamples(1));
    }

    /** Builder rules: each setting once (the model is one setting however given), bad arguments are BadInput. */
    @Test
    void builderTakesEachSettingOnceAndRefusesBadArguments() {
        BadInputException twice = assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).seed(1).seed(2));
        assertTrue(twice.getMessage().contains("seed is set twice"), twice.getMessage());
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).method(ShapMethod.EXACT));
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).background(G.background()));
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).predictProba(x -> x));
        assertThrows(BadInputException.class,
                () -> builder(ShapMethod.KERNEL).linearModel(new double[][] {G.coef}, new double[] {G.intercept}));
        assertThrows(BadInputException.class, () -> builder(ShapMethod.KERNEL).nsamples(10).nsamples(20));
        assertThrows(BadInputException.class, () -> ShapExplainer.builder().method(null));
        assertThrows(BadInputException.class, () -> ShapExplainer.builder().link(null));
        assertThrows(BadInputException.class, () -> ShapExplainer.builder().model(G.classifier()).build());
        assertThrows(BadInputException.class, () -> ShapExplainer.builder().background(G.background()).build());
        assertThrows(BadInputException.class, () -> ShapExplainer.builder().background(G.background())
                .linearModel(new double[][] {G.coef}, new double[] {1, 2}));
    }

    /** Background copies its rows and weights in and out, so a caller cannot change an explainer's background. */
    @Test
    void backgroundIsImmutable() {
        Matrix rows = Matrix.of(new double[][] {{1, 2}, {3, 4}});
        double[] w = {1, 3};
        Background b = new Background(rows, w);
        rows.set(0, 0, 100);
        w[0] = 100;
        b.data().set(1, 1, 100);
        b.weights()[1] = 100;
        assertEquals(1.0, b.data().get(0, 0), 0.0);
        assertEquals(4.0, b.data().get(1, 1), 0.0);
        assertEquals(0.25, b.weights()[0], 0.0);
        assertEquals(0.75, b.weights()[1], 0.0);
        assertThrows(BadInputException.class, () -> new Background(rows, new double[] {1}));
    }

    @Test
    void featuresEqualToEveryBackgroundRowGetZero() {
        Matrix bg = Matrix.of(new double[][] {{1, 0, 5}, {2, 1, 5}});
        ShapExplainer ex = ShapExplainer.builder().background(Background.of(bg)).nsamples(50).seed(1)
                .linearModel(new double[][] {{1, 2, 3}}, new double[] {0}).build();
        Explanation e = ex.explain(new double[] {3, 1, 5});
        assertEquals(0.0, e.weights().get(2).weight(), 0.0);
        assertEquals(e.prediction(), e.localPrediction(), 1e-12);
    }

    @Test
    void kmeansBackgroundSummarisesClustersWithWeights() {
        Matrix data = new Matrix(60, 2);
        for (int i = 0; i < 60; i++) {
            double cx = i < 30 ? 0 : (i < 50 ? 10 : 20);
            data.set(i, 0, cx + (i % 3) * 0.1);
            data.set(i, 1, cx);
        }
        Background b = Background.kmeans(data, 3, 5);
        assertEquals(3, b.size());
        double[] sorted = b.weights().clone();
        java.util.Arrays.sort(sorted);
        assertEquals(10 / 60.0, sorted[0], 1e-12);
        assertEquals(20 / 60.0, sorted[1], 1e-12);
        assertEquals(30 / 60.0, sorted[2], 1e-12);
        Background s = Background.sample(data, 7, 1);
        assertEquals(7, s.size());
        assertEquals(1.0, java.util.Arrays.stream(s.weights()).sum(), 1e-12);
    }
}
