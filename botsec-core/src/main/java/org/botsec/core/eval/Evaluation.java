package org.botsec.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.botsec.core.linalg.Matrix;

/**
 * Classification metrics of predicted probabilities against true labels, with the same definitions as
 * scikit-learn's {@code accuracy_score}, {@code precision_recall_fscore_support} (precision or recall with a zero
 * denominator is 0, as with {@code zero_division=0}), {@code confusion_matrix} and {@code log_loss}.
 *
 * @param size             number of examples
 * @param accuracy         fraction of rows whose most probable class (first on ties) is the true class
 * @param perClass         precision, recall, F1 and support per class, in class order
 * @param macroPrecision   unweighted mean of the per-class precisions
 * @param macroRecall      unweighted mean of the per-class recalls
 * @param macroF1          unweighted mean of the per-class F1 scores
 * @param confusionMatrix  {@code confusionMatrix[i][j]} = number of rows of true class i predicted as class j
 * @param logLoss          mean cross-entropy −log p(true class), probabilities clipped to
 *                         [{@value #LOG_LOSS_EPS}, 1 − {@value #LOG_LOSS_EPS}] and each row renormalised
 *                         (scikit-learn's {@code log_loss} with {@code eps=1e-15})
 * @param classNames       class names, index = label value
 */
public record Evaluation(int size, double accuracy, List<ClassMetrics> perClass, double macroPrecision,
                         double macroRecall, double macroF1, int[][] confusionMatrix, double logLoss,
                         List<String> classNames) {
    /** Probability clipping bound of the log loss. */
    public static final double LOG_LOSS_EPS = 1e-15;

    /** Metrics of one class, treating it as the positive class against all others. */
    public record ClassMetrics(String className, double precision, double recall, double f1, int support) {
    }

    public Evaluation {
        perClass = List.copyOf(perClass);
        classNames = List.copyOf(classNames);
    }

    /**
     * Evaluates probabilities {@code proba} (n × k, rows summing to 1) against labels {@code yTrue}.
     *
     * @throws IllegalArgumentException when the sizes disagree, a label is out of range, there are no rows,
     *                                  or a probability is not in [0, 1]
     */
    public static Evaluation of(int[] yTrue, Matrix proba, List<String> classNames) {
        int n = yTrue.length;
        int k = classNames.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot evaluate on zero examples");
        }
        if (proba.rows() != n) {
            throw new IllegalArgumentException("labels (" + n + ") and probability rows (" + proba.rows() + ") differ");
        }
        if (proba.cols() != k) {
            throw new IllegalArgumentException(
                    "class names (" + k + ") and probability columns (" + proba.cols() + ") differ");
        }
        int[][] confusion = new int[k][k];
        double logLossSum = 0;
        int correct = 0;
        double[] p = proba.data();
        for (int i = 0; i < n; i++) {
            int y = yTrue[i];
            if (y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " at row " + i + " is not in [0, " + k + ")");
            }
            int best = 0;
            double rowSum = 0;
            for (int j = 0; j < k; j++) {
                double v = p[i * k + j];
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("probability " + v + " at row " + i + ", class " + j
                            + " is not in [0, 1]");
                }
                if (v > p[i * k + best]) {
                    best = j;
                }
                rowSum += clip(v);
            }
            confusion[y][best]++;
            if (best == y) {
                correct++;
            }
            logLossSum -= Math.log(clip(p[i * k + y]) / rowSum);
        }
        List<ClassMetrics> perClass = new ArrayList<>(k);
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int support = 0;
            int predicted = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predicted += confusion[j][c];
            }
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(classNames.get(c), precision, recall, f1, support));
            sumP += precision;
            sumR += recall;
            sumF += f1;
        }
        return new Evaluation(n, (double) correct / n, perClass, sumP / k, sumR / k, sumF / k, confusion,
                logLossSum / n, classNames);
    }

    private static double clip(double v) {
        return Math.min(Math.max(v, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    }
}
