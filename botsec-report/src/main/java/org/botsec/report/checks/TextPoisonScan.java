package org.botsec.report.checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.text.SparseMatrix;

/**
 * A poisoning scan of text training data that needs nothing but the labelled texts: it looks for a word that a group
 * of training texts owes its label to, as a planted backdoor produces (a trigger word added to texts of another
 * class whose labels were then flipped: Dai, Chen, Li 2019, "A Backdoor Attack Against LSTM-Based Text
 * Classification Systems", IEEE Access).
 *
 * <p>It follows Backdoor Keyword Identification (Chen, Dai 2021, "Mitigating Backdoor Attacks in LSTM-Based Text
 * Classification Systems by Backdoor Keyword Identification", Neurocomputing 452): score the words by how much
 * removing them changes the model's output on the training texts that contain them, and treat the training texts
 * that contain a high-impact keyword as poisoned. Here, on a TF-IDF logistic regression the scan fits itself on all
 * the training texts (it does not need, and does not trust, the audited model):
 * <ol>
 *   <li>candidates: for each class c, the {@code candidatesPerClass} terms with the largest weight towards c (a
 *       trigger must carry a large weight for the model to put its texts in c);</li>
 *   <li>the group of a candidate t: the training texts labelled c that contain t; groups smaller than
 *       {@code minGroupRows} are skipped (a backdoor needs enough texts to be learnt);</li>
 *   <li>impact: the share of the group that the model puts in another class once t's TF-IDF value is removed
 *       from each text. A natural word of the class ("awesome" among positive reviews) is one piece of evidence
 *       among many, and most of its texts keep their label; a trigger's texts are, apart from t, texts of another
 *       class, and most of them change;</li>
 *   <li>purity: a planted trigger occurs only in the texts whose labels were flipped to c, while strong natural
 *       words also turn up in other classes ("not good"). A group is flagged when its impact is at least
 *       {@code minRelabelledShare} and at least {@code minPurity} of the texts containing t are labelled c.</li>
 * </ol>
 *
 * <p>Limits: a trigger that also occurs naturally in other classes (lower purity), a trigger of several words that
 * are each weak, a trigger that is a common word of the target class, or poison without a shared word (clean-label
 * or paraphrase attacks) are not what this scan looks for. Immutable and thread-safe; deterministic (no
 * randomness).
 */
public final class TextPoisonScan {
    /** Terms checked per class. */
    public static final int DEFAULT_CANDIDATES_PER_CLASS = 20;
    /** A group is flagged when most of its texts change class without the word. */
    public static final double DEFAULT_MIN_RELABELLED_SHARE = 0.5;
    /** Smallest group considered. */
    public static final int DEFAULT_MIN_GROUP_ROWS = 10;
    /** A flagged word occurs (almost) only in texts labelled with its group's class. */
    public static final double DEFAULT_MIN_PURITY = 0.9;

    private final int candidatesPerClass;
    private final int minGroupRows;
    private final double minRelabelledShare;
    private final double minPurity;

    /**
     * @param candidatesPerClass terms checked per class, in [1, 10000]
     * @param minGroupRows       smallest group of texts considered, in [2, 1000000]
     * @param minRelabelledShare share of a group that must change class without the word, in (0, 1]
     * @param minPurity          share of the texts containing the word that must carry the group's label, in [0, 1]
     */
    public TextPoisonScan(int candidatesPerClass, int minGroupRows, double minRelabelledShare, double minPurity) {
        if (candidatesPerClass < 1 || candidatesPerClass > 10_000) {
            throw BadInputException.of("candidates per class must be in [1, 10000], got %d", candidatesPerClass);
        }
        if (minGroupRows < 2 || minGroupRows > 1_000_000) {
            throw BadInputException.of("min group rows must be in [2, 1000000], got %d", minGroupRows);
        }
        if (!(minRelabelledShare > 0 && minRelabelledShare <= 1)) {
            throw BadInputException.of("min relabelled share must be in (0, 1], got %s", minRelabelledShare);
        }
        this.candidatesPerClass = candidatesPerClass;
        this.minGroupRows = minGroupRows;
        this.minRelabelledShare = minRelabelledShare;
        if (!(minPurity >= 0 && minPurity <= 1)) {
            throw BadInputException.of("min purity must be in [0, 1], got %s", minPurity);
        }
        this.minPurity = minPurity;
    }

    /**
     * With the defaults: 20 terms per class, groups of 10 texts or more, flagged when half change class and 90% of
     * the word's texts carry the group's label.
     */
    public TextPoisonScan() {
        this(DEFAULT_CANDIDATES_PER_CLASS, DEFAULT_MIN_GROUP_ROWS, DEFAULT_MIN_RELABELLED_SHARE, DEFAULT_MIN_PURITY);
    }

    /**
     * A flagged word and its group.
     *
     * @param term            the keyword (a word of the training texts: for the user's eyes, never put in a report)
     * @param className       the class its group is labelled
     * @param rows            the group: training rows labelled {@code className} that contain {@code term}, ascending
     * @param relabelledShare share of the group the model puts in another class without the word
     * @param purity          share of the training texts containing the word that are labelled {@code className}
     */
    public record Keyword(String term, String className, int[] rows, double relabelledShare, double purity) {
        public Keyword {
            rows = rows.clone();
        }

        @Override
        public int[] rows() {
            return rows.clone();
        }
    }

    /**
     * One tested candidate word.
     *
     * @param term            the word (for the user's eyes, never put in a report)
     * @param className       the class whose texts were tested
     * @param groupRows       texts labelled {@code className} that contain the word
     * @param purity          share of all training texts containing the word that are labelled {@code className}
     * @param relabelledShare share of the group the model puts in another class without the word
     * @param meanDrop        mean drop of the probability of {@code className} over the group without the word
     */
    public record Candidate(String term, String className, int groupRows, double purity, double relabelledShare,
                            double meanDrop) {
    }

    /**
     * The scan's result.
     *
     * @param flaggedRows      rows of the training set flagged as possibly poisoned (union of the keywords' groups),
     *                         ascending
     * @param rowsScanned      training rows scanned
     * @param candidatesTested candidate words whose group was large enough to test
     * @param keywords         the flagged keywords, by decreasing group size
     */
    public record Result(int[] flaggedRows, int rowsScanned, int candidatesTested, List<Keyword> keywords,
                         List<Candidate> candidates) {
        public Result {
            flaggedRows = flaggedRows.clone();
            Arrays.sort(flaggedRows);
            keywords = List.copyOf(keywords);
            candidates = List.copyOf(candidates);
        }

        @Override
        public int[] flaggedRows() {
            return flaggedRows.clone();
        }
    }

    /** Scans {@code train} (labels as the model was trained on them). */
    public Result scan(TextDataset train) {
        if (train.size() < 4 || train.numClasses() < 2) {
            throw BadInputException.of("a text poisoning scan needs at least 4 rows and 2 classes, got %d rows and %d "
                    + "classes", train.size(), train.numClasses());
        }
        TextPipeline surrogate = TextPipeline.fit(train, LogisticRegression.builder().standardize(false).build());
        SparseMatrix x = surrogate.vectorizer().transformSparse(train.texts());
        LinearModel lm = surrogate.linearModel();
        Matrix coef = lm.coef();
        double[] intercept = lm.intercept();
        int k = train.numClasses();
        int n = train.size();
        double[][] scores = scores(x, coef, intercept);
        int[] ptr = x.indptr();
        int[] ind = x.indices();
        double[] val = x.values();
        int[] y = train.y();
        List<Keyword> keywords = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        java.util.BitSet flagged = new java.util.BitSet(n);
        int tested = 0;
        for (int c = 0; c < k; c++) {
            double[] w = contributionWeights(coef, c, k);
            for (int t : topTerms(w, candidatesPerClass)) {
                List<Integer> group = new ArrayList<>();
                int relabelled = 0;
                int containing = 0;
                double drop = 0;
                double[] z = new double[scores[0].length];
                for (int i = 0; i < n; i++) {
                    double xt = 0;
                    for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                        if (ind[p] == t) {
                            xt = val[p];
                            break;
                        }
                    }
                    if (xt == 0) {
                        continue;
                    }
                    containing++;
                    if (y[i] != c) {
                        continue;
                    }
                    group.add(i);
                    for (int r = 0; r < z.length; r++) {
                        z[r] = scores[i][r] - xt * coef.get(r, t);
                    }
                    if (predicted(z, k) != c) {
                        relabelled++;
                    }
                    drop += probability(scores[i], k, c) - probability(z, k, c);
                }
                if (group.size() < minGroupRows) {
                    continue;
                }
                tested++;
                double share = relabelled / (double) group.size();
                double purity = group.size() / (double) containing;
                String term = surrogate.vectorizer().terms().get(t);
                candidates.add(new Candidate(term, train.classNames().get(c), group.size(), purity, share,
                        drop / group.size()));
                if (share >= minRelabelledShare && purity >= minPurity) {
                    int[] rows = group.stream().mapToInt(Integer::intValue).toArray();
                    keywords.add(new Keyword(term, train.classNames().get(c), rows, share, purity));
                    for (int i : rows) {
                        flagged.set(i);
                    }
                }
            }
        }
        keywords.sort((a, b) -> Integer.compare(b.rows.length, a.rows.length));
        return new Result(flagged.stream().toArray(), n, tested, keywords, candidates);
    }

    /** Decision scores of every row: one column for a binary model (class 1 when &gt; 0), else one per class. */
    private static double[][] scores(SparseMatrix x, Matrix coef, double[] intercept) {
        int[] ptr = x.indptr();
        int[] ind = x.indices();
        double[] val = x.values();
        int r = coef.rows();
        double[][] out = new double[x.rows()][r];
        for (int i = 0; i < x.rows(); i++) {
            for (int c = 0; c < r; c++) {
                double s = intercept[c];
                for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                    s += val[p] * coef.get(c, ind[p]);
                }
                out[i][c] = s;
            }
        }
        return out;
    }

    /** P(class c) from decision scores (sigmoid for a binary model, softmax otherwise). */
    private static double probability(double[] z, int numClasses, int c) {
        if (z.length == 1 && numClasses == 2) {
            double p1 = 1 / (1 + Math.exp(-z[0]));
            return c == 1 ? p1 : 1 - p1;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        return Math.exp(z[c] - max) / sum;
    }

    private static int predicted(double[] z, int numClasses) {
        if (z.length == 1 && numClasses == 2) {
            return z[0] > 0 ? 1 : 0;
        }
        int arg = 0;
        for (int c = 1; c < z.length; c++) {
            if (z[c] > z[arg]) {
                arg = c;
            }
        }
        return arg;
    }

    /** The {@code m} terms with the largest weights (positive only), largest first. */
    private static int[] topTerms(double[] w, int m) {
        Integer[] order = new Integer[w.length];
        for (int j = 0; j < w.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(w[b], w[a]));
        int count = 0;
        while (count < Math.min(m, w.length) && w[order[count]] > 0) {
            count++;
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /**
     * Each term's weight towards class c: the coefficient row of c (multinomial), or ± the single row of a binary
     * model (the row scores the second class).
     */
    static double[] contributionWeights(Matrix coef, int c, int numClasses) {
        if (coef.rows() == 1 && numClasses == 2) {
            double[] w = coef.row(0);
            if (c == 0) {
                for (int j = 0; j < w.length; j++) {
                    w[j] = -w[j];
                }
            }
            return w;
        }
        return coef.row(c);
    }
}
