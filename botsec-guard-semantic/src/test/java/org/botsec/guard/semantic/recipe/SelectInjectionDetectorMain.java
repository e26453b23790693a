package org.botsec.guard.semantic.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.botsec.guard.Direction;
import org.botsec.guard.internal.InjectionClassifier;
import org.botsec.guard.internal.InjectionScanner;
import org.botsec.guard.semantic.E5SmallEmbedder;
import org.botsec.guard.semantic.InjectionHead;

/**
 * Chooses the semantic detector's head and threshold on the <b>validation split only</b> (corpus v2), for the
 * e5-small-v2 encoder, and writes the chosen head:
 * <pre>
 *   java -cp ... org.botsec.guard.semantic.recipe.SelectInjectionDetectorMain /work/ext/semantic/corpus out.json E5DIR [target-validation-FPR [--with-extras]]
 * </pre>
 * Every candidate is scored as the shipped cascade runs it: the rules decide first (a rule hit is an attack
 * whatever the head says), the head decides the rest. Candidates, simplest first: logistic regression on the
 * embedding and a 64-unit perceptron on the embedding; the perceptron is kept only when the cascade catches more
 * validation attacks with it at the shipped operating point (the threshold below); both ROC AUCs are printed. With {@code --with-extras} the same perceptron with two extra
 * inputs (the rules' verdict and the n-gram classifier's score) is also fitted and reported, for comparison only:
 * the head file format carries no inputs besides the embedding (the n-gram classifier was trained on BotSec's
 * own corpus, which is in both splits, so that candidate is also reported without those rows). The threshold is the lowest head score at which
 * the <i>whole cascade</i> flags at most a given share (default {@link #DEFAULT_TARGET_VAL_FPR}) of the validation benign texts. The held-out
 * and external test files are not read here.
 */
public final class SelectInjectionDetectorMain {
    /** Default share of validation benign texts the cascade may flag (optional fourth argument). */
    static final double DEFAULT_TARGET_VAL_FPR = 0.02;

    private SelectInjectionDetectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path e5 = Path.of(args[2]);
        double targetFpr = args.length > 3 ? Double.parseDouble(args[3]) : DEFAULT_TARGET_VAL_FPR;
        boolean withExtras = args.length > 4 && args[4].equals("--with-extras");
        List<Corpus.Example> train = Corpus.read(corpus.resolve("train.jsonl"));
        List<Corpus.Example> val = Corpus.read(corpus.resolve("val.jsonl"));
        Corpus.CachedEmbedder emb = TrainInjectionHeadMain.encoder("e5:" + e5, corpus);
        System.err.printf("cache has %d embeddings%n", emb.size());
        float[][] xt = emb.embedAll(train, 2);
        float[][] xv = emb.embedAll(val, 2);
        boolean[] yt = TrainInjectionHeadMain.labels(train);
        boolean[] yv = TrainInjectionHeadMain.labels(val);
        InjectionScanner rules = new InjectionScanner(null, 0.5);
        InjectionClassifier ngram = InjectionClassifier.shipped();
        boolean[] rt = new boolean[train.size()];
        boolean[] rv = new boolean[val.size()];
        double[] nt = new double[train.size()];
        double[] nv = new double[val.size()];
        for (int i = 0; i < train.size(); i++) {
            rt[i] = !rules.scan(train.get(i).text(), Direction.INPUT).isEmpty();
            nt[i] = ngram.score(train.get(i).text());
        }
        for (int i = 0; i < val.size(); i++) {
            rv[i] = !rules.scan(val.get(i).text(), Direction.INPUT).isEmpty();
            nv[i] = ngram.score(val.get(i).text());
        }
        boolean[] notOwn = new boolean[val.size()];
        for (int i = 0; i < val.size(); i++) {
            notOwn[i] = !val.get(i).source().startsWith("botsec_own_corpus");
        }
        report("rules alone", rv, yv, val);
        System.err.printf(Locale.ROOT, "n-gram score alone: val AUC %.4f (without BotSec's own corpus rows %.4f)%n",
                Metrics.rocAuc(nv, yv), aucWhere(nv, yv, notOwn));

        // candidate 1: logistic regression on the embedding
        double bestLrAuc = -1;
        double[] lr = null;
        double lrL2 = 0;
        for (double l2 : new double[] {1e-5, 3e-5, 1e-4}) {
            double[] w = TrainInjectionHeadMain.fit(xt, yt, l2);
            double auc = Metrics.rocAuc(cascade(TrainInjectionHeadMain.scores(w, xv), rv), yv);
            System.err.printf(Locale.ROOT, "logistic l2 %.0e  cascade val AUC %.4f%n", l2, auc);
            if (auc > bestLrAuc + 1e-3) {
                bestLrAuc = auc;
                lr = w;
                lrL2 = l2;
            }
        }
        double[] sLr = TrainInjectionHeadMain.scores(lr, xv);
        curve("logistic (e5)", sLr, rv, yv);
        // candidate 2: perceptron on the embedding (its epoch chosen by the head's own validation AUC)
        TrainInjectionHeadMain.Mlp mlp = TrainInjectionHeadMain.fitMlp(xt, yt, xv, yv, TrainInjectionHeadMain.HIDDEN, 1e-4,
                TrainInjectionHeadMain.EPOCHS, TrainInjectionHeadMain.SEED);
        double[] sMlp = mlp.scores(xv);
        double mlpAuc = Metrics.rocAuc(cascade(sMlp, rv), yv);
        curve("MLP-64 (e5), epoch " + mlp.epoch, sMlp, rv, yv);
        String chosen = "logistic";
        double bestAuc = bestLrAuc;
        double[] sv = sLr;
        double lrRecall = recallAt(sLr, rv, yv, targetFpr);
        double mlpRecall = recallAt(sMlp, rv, yv, targetFpr);
        System.err.printf(Locale.ROOT, "cascade recall at %.0f%% validation FPR: logistic %.3f, MLP %.3f%n", targetFpr * 100, lrRecall, mlpRecall);
        if (mlpRecall > lrRecall) {
            chosen = "mlp";
            bestAuc = mlpAuc;
            sv = sMlp;
        }
        if (withExtras) {
            // candidate 3, for comparison only: the head file has no inputs besides the embedding
            float[][] xt3 = withExtras(xt, rt, nt);
            float[][] xv3 = withExtras(xv, rv, nv);
            TrainInjectionHeadMain.Mlp mlp3 = TrainInjectionHeadMain.fitMlp(xt3, yt, xv3, yv, TrainInjectionHeadMain.HIDDEN, 1e-4,
                    TrainInjectionHeadMain.EPOCHS, TrainInjectionHeadMain.SEED);
            double[] s3 = mlp3.scores(xv3);
            curve("MLP-64 (e5 + rules + n-gram), epoch " + mlp3.epoch, s3, rv, yv);
            System.err.printf(Locale.ROOT, "MLP + extras: cascade recall at %.0f%% validation FPR %.3f%n", targetFpr * 100, recallAt(s3, rv, yv, targetFpr));
            System.err.printf(Locale.ROOT, "without BotSec's own corpus rows: cascade val AUC %s %.4f, MLP + extras %.4f%n", chosen,
                    aucWhere(cascade(sv, rv), yv, notOwn), aucWhere(cascade(s3, rv), yv, notOwn));
        }
        double threshold = cascadeThreshold(sv, rv, yv, targetFpr);
        System.err.printf(Locale.ROOT, "chosen: %s, cascade val AUC %.4f, threshold %.6f%n", chosen, bestAuc, threshold);
        boolean[] flagged = new boolean[sv.length];
        for (int i = 0; i < sv.length; i++) {
            flagged[i] = rv[i] || sv[i] >= threshold;
        }
        report("chosen cascade", flagged, yv, val);
        int pos = 0;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < yv.length; i++) {
            pos += yv[i] ? 1 : 0;
            tp += yv[i] && flagged[i] ? 1 : 0;
            fp += !yv[i] && flagged[i] ? 1 : 0;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode counts = new ObjectMapper().readTree(Files.readString(corpus.resolve("counts.json")));
        meta.put("corpus_train_sha256", counts.path("train").path("_sha256").asText());
        meta.put("corpus_val_sha256", counts.path("val").path("_sha256").asText());
        if (chosen.equals("mlp")) {
            meta.put("method", "one hidden layer of " + TrainInjectionHeadMain.HIDDEN + " ReLU units, Adam on mini-batches of 32 (lr 1e-3), weight decay 1e-4,"
                    + " classes weighted equally, epoch chosen by validation ROC AUC (" + mlp.epoch + "), seed " + TrainInjectionHeadMain.SEED);
        } else {
            meta.put("method", "L2-regularised logistic regression, Newton's method, classes weighted equally");
            meta.put("l2", Double.toString(lrL2));
        }
        meta.put("long_text", "a long message is read as its first 900 and last 300 characters");
        meta.put("train_examples", train.size() + " texts (" + (yt.length - TrainInjectionHeadMain.countNot(yt)) + " attacks)");
        meta.put("val_examples", val.size() + " (" + pos + " attacks)");
        meta.put("val_roc_auc", String.format(Locale.ROOT, "%.4f", bestAuc) + " (cascade: rules first, then this head)");
        meta.put("threshold_rule", "lowest score at which the cascade (rules, then this head) flags at most "
                + Math.round(targetFpr * 100) + "% of validation benign texts");
        meta.put("val_tpr_at_threshold", String.format(Locale.ROOT, "%.4f", tp / (double) pos));
        meta.put("val_fpr_at_threshold", String.format(Locale.ROOT, "%.4f", fp / (double) (yv.length - pos)));
        meta.put("manifest", "botsec-guard-semantic/MANIFEST.md");
        InjectionHead head;
        int dim = xt[0].length;
        if (chosen.equals("mlp")) {
            head = new InjectionHead(E5SmallEmbedder.MODEL_NAME, dim, mlp.w1, mlp.b1, mlp.w2, mlp.b2, threshold, InjectionHead.LongText.HEAD_TAIL, meta);
        } else {
            float[] w = new float[dim];
            for (int i = 0; i < dim; i++) {
                w[i] = (float) lr[i];
            }
            head = new InjectionHead(E5SmallEmbedder.MODEL_NAME, dim, new float[0], new float[0], w, lr[dim], threshold, InjectionHead.LongText.HEAD_TAIL, meta);
        }
        Files.writeString(out, head.toJson() + "\n", StandardCharsets.UTF_8);
        System.out.println(head + " " + meta);
    }

    /** Share of attacks the cascade flags at the threshold chosen for {@code fpr}. */
    static double recallAt(double[] head, boolean[] rules, boolean[] y, double fpr) {
        double t = cascadeThreshold(head, rules, y, fpr);
        int tp = 0;
        int pos = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i]) {
                pos++;
                tp += rules[i] || head[i] >= t ? 1 : 0;
            }
        }
        return tp / (double) pos;
    }

    /** Rules first: a rule hit outranks any head score. */
    static double[] cascade(double[] head, boolean[] rules) {
        double[] s = new double[head.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = rules[i] ? 1 + head[i] : head[i];
        }
        return s;
    }

    /** Lowest head score at which rules-or-head flags at most {@code fpr} of the benign texts. */
    static double cascadeThreshold(double[] head, boolean[] rules, boolean[] y, double fpr) {
        List<Double> benign = new ArrayList<>();
        int ruleFp = 0;
        int neg = 0;
        for (int i = 0; i < y.length; i++) {
            if (!y[i]) {
                neg++;
                if (rules[i]) {
                    ruleFp++;
                } else {
                    benign.add(head[i]);
                }
            }
        }
        benign.sort(null);
        int allowed = (int) Math.floor(fpr * neg) - ruleFp;
        if (allowed < 0) {
            throw new IllegalStateException("the rules alone flag more than the target share of validation benign texts");
        }
        double t = Math.nextUp(benign.get(benign.size() - 1 - Math.min(allowed, benign.size() - 1)));
        return Math.min(Math.max(t, 0.05), 0.999);
    }

    private static void curve(String name, double[] head, boolean[] rules, boolean[] y) {
        StringBuilder sb = new StringBuilder();
        for (double f : new double[] {0.01, 0.02, 0.03, 0.05}) {
            double t;
            try {
                t = cascadeThreshold(head, rules, y, f);
            } catch (IllegalStateException rulesAlone) {
                sb.append(String.format(Locale.ROOT, "  recall@%.0f%%FPR n/a (rules alone above)", f * 100));
                continue;
            }
            int tp = 0;
            int pos = 0;
            for (int i = 0; i < y.length; i++) {
                if (y[i]) {
                    pos++;
                    tp += rules[i] || head[i] >= t ? 1 : 0;
                }
            }
            sb.append(String.format(Locale.ROOT, "  recall@%.0f%%FPR %.3f (t %.4f)", f * 100, tp / (double) pos, t));
        }
        System.err.printf(Locale.ROOT, "%s: head val AUC %.4f, cascade val AUC %.4f%s%n", name, Metrics.rocAuc(head, y),
                Metrics.rocAuc(cascade(head, rules), y), sb);
    }

    private static void report(String name, boolean[] flagged, boolean[] y, List<Corpus.Example> xs) {
        Map<String, int[]> perSource = new TreeMap<>();
        int tp = 0;
        int fp = 0;
        int pos = 0;
        for (int i = 0; i < y.length; i++) {
            int[] c = perSource.computeIfAbsent(xs.get(i).source() + (y[i] ? " (attack)" : " (benign)"), k -> new int[2]);
            c[0]++;
            c[1] += flagged[i] ? 1 : 0;
            pos += y[i] ? 1 : 0;
            tp += y[i] && flagged[i] ? 1 : 0;
            fp += !y[i] && flagged[i] ? 1 : 0;
        }
        System.err.printf(Locale.ROOT, "%s: val recall %.3f, FPR %.3f%n", name, tp / (double) pos, fp / (double) (y.length - pos));
        perSource.forEach((src, c) -> System.err.printf(Locale.ROOT, "  %-50s %4d flagged %.3f%n", src, c[0], c[1] / (double) c[0]));
    }

    private static double aucWhere(double[] s, boolean[] y, boolean[] keep) {
        List<Double> ss = new ArrayList<>();
        List<Boolean> yy = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (keep[i]) {
                ss.add(s[i]);
                yy.add(y[i]);
            }
        }
        double[] a = new double[ss.size()];
        boolean[] b = new boolean[ss.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ss.get(i);
            b[i] = yy.get(i);
        }
        return Metrics.rocAuc(a, b);
    }

    private static double logit(double p) {
        double q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
        return Math.log(q / (1 - q));
    }

    private static float[][] withExtras(float[][] x, boolean[] rules, double[] ngram) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = Arrays.copyOf(x[i], x[i].length + 2);
            out[i][x[i].length] = rules[i] ? 1f : 0f;
            out[i][x[i].length + 1] = (float) (logit(ngram[i]) / 10);
        }
        return out;
    }
}
