package org.botsec.attack.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.evasion.Targets;
import org.botsec.attack.text.internal.Words;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.TextClassifier;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.text.TfidfVectorizer;

/**
 * A greedy word-level evasion attack on text classifiers, in the manner of TextFooler (Jin, Jin, Zhou &amp;
 * Szolovits, "Is BERT Really Robust? A Strong Baseline for Natural Language Attack on Text Classification and
 * Entailment", AAAI 2020) with the character-level candidate edits of DeepWordBug (Gao, Lanchantin, Soffa &amp; Qi,
 * "Black-box Generation of Adversarial Text Sequences to Evade Deep Learning Classifiers", IEEE S&amp;P Workshops
 * 2018). For each text whose prediction is its label t:
 * <ol>
 *   <li>rank its words by importance ({@link WordGuidance}: the drop in p_t when the word is deleted, or the
 *       TF-IDF pipeline's input gradient);</li>
 *   <li>in that order, try every candidate edit of the word ({@link WordEdits}: deletion, readable typos, words of
 *       the model's vocabulary one edit away), keep the one that lowers p_t most if it lowers it at all, and stop
 *       as soon as the prediction leaves t or {@code maxWords} words have changed.</li>
 * </ol>
 * Each candidate text is one query (they are scored in one batch per word); the deletion ranking costs one query
 * per word. The attack is deterministic (no seed). Words changed, queries and the changes themselves are reported
 * per text. Immutable and thread-safe.
 */
public final class WordAttack {
    private final int maxWords;
    private final WordGuidance guidance;
    private final WordEdits edits;
    private final int maxCandidates;
    private final Targets targets;

    private WordAttack(Builder b) {
        maxWords = b.maxWords;
        guidance = b.guidance;
        edits = b.edits;
        maxCandidates = b.maxCandidates;
        targets = b.targets;
    }

    /** Defaults: at most 5 words, deletion ranking, vocabulary edits, 20 candidates per word, true labels. */
    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "text");
        s.put("max_words", maxWords);
        s.put("guidance", guidance.label());
        s.put("edits", edits.label());
        s.put("max_candidates", maxCandidates);
        s.put("targets", targets.label());
        return s;
    }

    /** Attacks every text; {@code labels} are class indices in the model's class order. */
    public WordAttackResult run(TextClassifier model, List<String> texts, int[] labels) {
        Objects.requireNonNull(model, "model");
        if (labels.length != texts.size()) {
            throw BadInputException.of("%d labels for %d texts", labels.length, texts.size());
        }
        TextPipeline pipeline = QueryCounter.unwrap(model) instanceof TextPipeline p ? p : null;
        if (pipeline == null && guidance == WordGuidance.GRADIENT) {
            throw BadInputException.of("gradient guidance needs BotSec's TF-IDF text model (its weights); this model "
                    + "(%s) gives only predictions: use deletion guidance", model.getClass().getSimpleName());
        }
        if (pipeline == null && edits == WordEdits.VOCABULARY) {
            throw BadInputException.of("vocabulary edits need a model that exposes its vocabulary (BotSec's TF-IDF "
                    + "text model); this model (%s) does not: use typos or delete", model.getClass().getSimpleName());
        }
        int n = texts.size();
        int k = model.numClasses();
        Matrix p0 = model.predictProba(texts);
        int[] clean = argmax(p0.data(), k);
        int[] t = targets == Targets.TRUE ? labels.clone() : clean.clone();
        List<String> adversarial = new ArrayList<>(texts);
        int[] advPred = clean.clone();
        int[] words = new int[n];
        long[] queries = new long[n];
        List<List<WordChange>> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queries[i] = 1;
            List<Words.Span> spans = Words.spans(texts.get(i));
            words[i] = spans.size();
            List<WordChange> done = new ArrayList<>();
            changes.add(done);
            if (clean[i] != t[i] || spans.isEmpty()) {
                continue;
            }
            Row row = new Row(model, pipeline, texts.get(i), spans, t[i]);
            row.p = p0.get(i, t[i]);
            row.attack(done);
            queries[i] += row.queries;
            adversarial.set(i, row.text());
            advPred[i] = row.pred;
        }
        return new WordAttackResult(adversarial, labels, t, clean, advPred, words, queries, changes, settings());
    }

    private static int[] argmax(double[] p, int k) {
        int[] out = new int[p.length / k];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p[i * k + c] > p[i * k + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** One text's attack: its gaps and words, the current replacement of each word, p_t and the prediction. */
    private final class Row {
        final TextClassifier model;
        final TextPipeline pipeline;
        final String original;
        final List<Words.Span> spans;
        final String[] current;
        final int label;
        double p;
        int pred;
        long queries;

        Row(TextClassifier model, TextPipeline pipeline, String original, List<Words.Span> spans, int label) {
            this.model = model;
            this.pipeline = pipeline;
            this.original = original;
            this.spans = spans;
            this.label = label;
            this.pred = label;
            current = new String[spans.size()];
            for (int j = 0; j < current.length; j++) {
                current[j] = original.substring(spans.get(j).start(), spans.get(j).end());
            }
        }

        /** The text with word {@code at} replaced by {@code with} (null: the current words only). */
        String text(int at, String with) {
            StringBuilder sb = new StringBuilder(original.length());
            int pos = 0;
            boolean dropSpace = false;
            for (int j = 0; j < spans.size(); j++) {
                Words.Span s = spans.get(j);
                String gap = original.substring(pos, s.start());
                if (dropSpace && gap.startsWith(" ")) {
                    gap = gap.substring(1);
                }
                sb.append(gap);
                String w = j == at ? with : current[j];
                sb.append(w);
                dropSpace = w.isEmpty() && (sb.length() == 0 || sb.charAt(sb.length() - 1) == ' ');
                pos = s.end();
            }
            String tail = original.substring(pos);
            if (dropSpace && tail.startsWith(" ")) {
                tail = tail.substring(1);
            }
            return sb.append(tail).toString();
        }

        String text() {
            return text(-1, null);
        }

        Matrix score(List<String> candidates) {
            queries += candidates.size();
            return model.predictProba(candidates);
        }

        double[] importance() {
            int m = spans.size();
            double[] imp = new double[m];
            if (guidance == WordGuidance.DELETION) {
                List<String> without = new ArrayList<>(m);
                for (int j = 0; j < m; j++) {
                    without.add(text(j, ""));
                }
                Matrix pr = score(without);
                for (int j = 0; j < m; j++) {
                    imp[j] = p - pr.get(j, label);
                }
            } else {
                TfidfVectorizer v = pipeline.vectorizer();
                Matrix phi = v.transform(List.of(original));
                QueryCounter.countGradientOf(model, 1);
                double[] g = pipeline.linearModel().lossInputGradient(phi, new int[] {label}).data();
                for (int j = 0; j < m; j++) {
                    int f = v.indexOf(spans.get(j).token());
                    imp[j] = f < 0 ? 0 : -g[f] * phi.get(0, f); // ∂ log p_t / ∂φ_f · φ_f
                }
            }
            return imp;
        }

        List<String> candidates(String word) {
            List<String> out = new ArrayList<>();
            out.add("");
            if (edits == WordEdits.DELETE) {
                return out;
            }
            Predicate<String> outOfVocabulary = pipeline == null ? s -> true : s -> pipeline.vectorizer().indexOf(s) < 0;
            for (String s : Words.swaps(word, outOfVocabulary)) {
                if (out.size() < maxCandidates) {
                    out.add(s);
                }
            }
            if (edits == WordEdits.VOCABULARY && out.size() < maxCandidates) {
                out.addAll(Words.vocabularyNeighbours(word, s -> pipeline.vectorizer().indexOf(s) >= 0,
                        maxCandidates - out.size()));
            }
            return out;
        }

        void attack(List<WordChange> done) {
            double[] imp = importance();
            Integer[] order = new Integer[imp.length];
            for (int j = 0; j < order.length; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(imp[b], imp[a])); // stable: ties keep text order
            for (int j : order) {
                if (done.size() >= maxWords || pred != label) {
                    break;
                }
                String word = spans.get(j).token();
                List<String> cands = candidates(word);
                List<String> texts = new ArrayList<>(cands.size());
                for (String c : cands) {
                    texts.add(text(j, c));
                }
                Matrix pr = score(texts);
                int k = pr.cols();
                int best = -1;
                double bestP = p;
                for (int c = 0; c < cands.size(); c++) {
                    if (pr.get(c, label) < bestP) {
                        bestP = pr.get(c, label);
                        best = c;
                    }
                }
                if (best < 0) {
                    continue; // no edit of this word lowers p_t
                }
                current[j] = cands.get(best);
                p = bestP;
                int am = 0;
                for (int c = 1; c < k; c++) {
                    if (pr.get(best, c) > pr.get(best, am)) {
                        am = c;
                    }
                }
                pred = am;
                done.add(new WordChange(j, word, cands.get(best)));
            }
        }
    }

    /** Builds a {@link WordAttack}; each setting may be made once. */
    public static final class Builder {
        private int maxWords = 5;
        private boolean maxWordsSet;
        private WordGuidance guidance = WordGuidance.DELETION;
        private boolean guidanceSet;
        private WordEdits edits = WordEdits.VOCABULARY;
        private boolean editsSet;
        private int maxCandidates = 20;
        private boolean maxCandidatesSet;
        private Targets targets = Targets.TRUE;
        private boolean targetsSet;

        private Builder() {
        }

        private static void once(boolean set, String what) {
            if (set) {
                throw new IllegalStateException(what + " was already set");
            }
        }

        /** Most words changed per text; ≥ 1. */
        public Builder maxWords(int v) {
            once(maxWordsSet, "maxWords");
            maxWordsSet = true;
            maxWords = v;
            return this;
        }

        public Builder guidance(WordGuidance v) {
            once(guidanceSet, "guidance");
            guidanceSet = true;
            guidance = Objects.requireNonNull(v, "guidance");
            return this;
        }

        public Builder edits(WordEdits v) {
            once(editsSet, "edits");
            editsSet = true;
            edits = Objects.requireNonNull(v, "edits");
            return this;
        }

        /** Most candidate edits tried per word (deletion included); ≥ 1. */
        public Builder maxCandidates(int v) {
            once(maxCandidatesSet, "maxCandidates");
            maxCandidatesSet = true;
            maxCandidates = v;
            return this;
        }

        public Builder targets(Targets v) {
            once(targetsSet, "targets");
            targetsSet = true;
            targets = Objects.requireNonNull(v, "targets");
            return this;
        }

        public WordAttack build() {
            if (maxWords < 1) {
                throw BadInputException.of("the word budget must be >= 1, got %d", maxWords);
            }
            if (maxCandidates < 1) {
                throw BadInputException.of("candidates per word must be >= 1, got %d", maxCandidates);
            }
            return new WordAttack(this);
        }
    }
}
