package org.botsec.guard.semantic.recipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.internal.InjectionClassifier;
import org.botsec.guard.internal.InjectionScanner;
import org.botsec.guard.semantic.InjectionHead;
import org.botsec.guard.semantic.MiniLmEmbedder;
import org.botsec.guard.semantic.SemanticGuard;
import org.botsec.guard.semantic.SemanticInjectionScanner;

/**
 * Measures the old default (rules + n-gram classifier), the rules alone and the semantic cascade on the
 * external test split and the held-out sources, and prints the tables of docs/guard.md:
 * <pre>
 *   java -cp ... org.botsec.guard.semantic.recipe.EvaluateInjectionDetectorMain /work/ext/semantic/corpus [head.json] [--encoder=e5:DIR]
 * </pre>
 * "Blocked" is the verdict of the whole default pipeline on input ({@link GuardPipeline#defaults()} versus
 * {@link SemanticGuard#defaults()}), as {@code botsec serve} applies it.
 */
public final class EvaluateInjectionDetectorMain {
    private static final Pattern TRIGGER = Pattern.compile("(?i)\\b(ignore|instructions?|act as|password)\\b");
    private static final Pattern ACT_AS = Pattern.compile("(?i)^\\s*i want you to act as");

    private EvaluateInjectionDetectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        String encoderSpec = "minilm";
        Path headFile = null;
        boolean embedOnly = false;
        boolean embedWindows = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--embed-only")) {
                embedOnly = true;
            } else if (args[i].equals("--windows")) {
                embedWindows = true;
            } else if (args[i].startsWith("--encoder=")) {
                encoderSpec = args[i].substring("--encoder=".length());
            } else {
                headFile = Path.of(args[i]);
            }
        }
        Corpus.CachedEmbedder emb = encoderSpec.equals("minilm")
                ? new Corpus.CachedEmbedder(MiniLmEmbedder.shared(), corpus.resolveSibling("embeddings-test.cache"), MiniLmEmbedder.DIMENSION)
                : new Corpus.CachedEmbedder(OnnxFileEmbedder.e5(Path.of(encoderSpec.substring(3))), corpus.resolveSibling("embeddings-e5-test.cache"), 384);
        if (embedOnly) {
            // fills the cache (head-and-tail parts and windows) and prints nothing about the texts' scores
            for (String split : new String[] {"heldout", "exttest"}) {
                List<Corpus.Example> xs = Corpus.read(corpus.resolve(split + ".jsonl"));
                emb.embedAll(xs, 2);
                if (embedWindows) {
                    emb.embedRaw(windowsOf(xs), 2);
                }
            }
            return;
        }
        InjectionHead head = headFile != null ? InjectionHead.load(headFile) : InjectionHead.shipped();
        SemanticInjectionScanner semantic = new SemanticInjectionScanner(emb, head, head.threshold());
        GuardPipeline oldGuard = GuardPipeline.defaults();
        GuardPipeline newGuard = SemanticGuard.withScanner(GuardPipeline.defaults(), semantic);
        GuardPipeline rulesGuard = SemanticGuard.withScanner(GuardPipeline.defaults(), new InjectionScanner(null, 0.5));
        InjectionClassifier ngram = InjectionClassifier.shipped();
        System.out.printf("head %s, threshold %.4f%n%n", head, head.threshold());
        for (String split : new String[] {"exttest", "heldout"}) {
            List<Corpus.Example> xs = Corpus.read(corpus.resolve(split + ".jsonl"));
            emb.embedAll(xs, 2);
            if (head.longText() == InjectionHead.LongText.WINDOW_MAX) {
                emb.embedRaw(windowsOf(xs), 2);
            }
            int n = xs.size();
            boolean[] y = new boolean[n];
            boolean[] bOld = new boolean[n];
            boolean[] bRules = new boolean[n];
            boolean[] bNew = new boolean[n];
            double[] sNgram = new double[n];
            double[] sHead = new double[n];
            double[] sCascade = new double[n];
            for (int i = 0; i < n; i++) {
                String t = xs.get(i).text();
                y[i] = xs.get(i).attack();
                bOld[i] = oldGuard.scan(t, Direction.INPUT).action() == Action.BLOCK;
                bRules[i] = rulesGuard.scan(t, Direction.INPUT).action() == Action.BLOCK;
                bNew[i] = newGuard.scan(t, Direction.INPUT).action() == Action.BLOCK;
                sNgram[i] = ngram.score(t);
                sHead[i] = semantic.embeddingScore(t);
                sCascade[i] = bRules[i] ? 1.0 + sHead[i] : sHead[i]; // rules decide first: a rule hit outranks any head score
            }
            System.out.printf("## %s (%d texts)%n%n", split, n);
            System.out.println("| source | texts | kind | old default | rules only | semantic cascade | head score ≥ threshold |");
            System.out.println("|---|---|---|---|---|---|---|");
            Map<String, List<Integer>> bySource = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                bySource.computeIfAbsent(xs.get(i).source(), k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Integer>> e : bySource.entrySet()) {
                List<Integer> idx = e.getValue();
                boolean attack = y[idx.get(0)];
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", e.getKey(), idx.size(), attack ? "attack (blocked = recall)" : "benign (blocked = FPR)",
                        rate(bOld, idx), rate(bRules, idx), rate(bNew, idx), rateAt(sHead, head.threshold(), idx));
            }
            System.out.println();
            System.out.println("| detector | precision | recall | FPR | ROC AUC |");
            System.out.println("|---|---|---|---|---|");
            summary("old default (rules + n-gram @0.5)", bOld, y, Metrics.rocAuc(sNgram, y), "n-gram score");
            summary("rules only", bRules, y, Double.NaN, "");
            summary("semantic cascade (rules, then embedding head)", bNew, y, Metrics.rocAuc(sCascade, y), "cascade score");
            System.out.printf(Locale.ROOT, "| embedding head alone, ROC AUC | | | | %.3f |%n%n", Metrics.rocAuc(sHead, y));
            List<Integer> attacks = new ArrayList<>();
            List<Integer> benign = new ArrayList<>();
            List<Integer> trigger = new ArrayList<>();
            List<Integer> actAs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String t = xs.get(i).text();
                (y[i] ? attacks : benign).add(i);
                if (!y[i] && TRIGGER.matcher(t).find()) {
                    trigger.add(i);
                }
                if (!y[i] && ACT_AS.matcher(t).find()) {
                    actAs.add(i);
                }
            }
            System.out.println("| issue #13 row | texts | old default | semantic cascade | goal |");
            System.out.println("|---|---|---|---|---|");
            row("injections and jailbreaks blocked", attacks, bOld, bNew, "≥ 90%");
            row("benign prompts blocked", benign, bOld, bNew, "≤ 5%");
            row("benign prompts with trigger words blocked", trigger, bOld, bNew, "≤ 10%");
            row("\"I want you to act as\" requests blocked", actAs, bOld, bNew, "≤ 5%");
            System.out.printf(Locale.ROOT, "| ROC AUC (n-gram / cascade) | %d | %.3f | %.3f | ≥ 0.97 |%n%n", n, Metrics.rocAuc(sNgram, y), Metrics.rocAuc(sCascade, y));
        }
    }

    private static List<Corpus.Example> windowsOf(List<Corpus.Example> xs) {
        List<Corpus.Example> ws = new ArrayList<>();
        for (Corpus.Example e : xs) {
            List<String> w = SemanticInjectionScanner.windows(e.text());
            if (w.size() > 1) {
                for (String x : w) {
                    ws.add(new Corpus.Example(x, e.attack(), e.source()));
                }
            }
        }
        return ws;
    }

    private static String rate(boolean[] b, List<Integer> idx) {
        int k = 0;
        for (int i : idx) {
            k += b[i] ? 1 : 0;
        }
        return String.format(Locale.ROOT, "%.1f%% (%d)", 100.0 * k / idx.size(), k);
    }

    private static String rateAt(double[] s, double t, List<Integer> idx) {
        boolean[] b = new boolean[s.length];
        for (int i : idx) {
            b[i] = s[i] >= t;
        }
        return rate(b, idx);
    }

    private static void row(String name, List<Integer> idx, boolean[] oldB, boolean[] newB, String goal) {
        if (idx.isEmpty()) {
            System.out.printf("| %s | 0 | – | – | %s |%n", name, goal);
            return;
        }
        System.out.printf("| %s | %d | %s | %s | %s |%n", name, idx.size(), rate(oldB, idx), rate(newB, idx), goal);
    }

    private static void summary(String name, boolean[] b, boolean[] y, double auc, String aucOf) {
        int tp = 0;
        int fp = 0;
        int pos = 0;
        int neg = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i]) {
                pos++;
                tp += b[i] ? 1 : 0;
            } else {
                neg++;
                fp += b[i] ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s |%n", name, tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp),
                pos == 0 ? Double.NaN : tp / (double) pos, neg == 0 ? Double.NaN : fp / (double) neg,
                Double.isNaN(auc) ? "–" : String.format(Locale.ROOT, "%.3f (%s)", auc, aucOf));
    }

}
