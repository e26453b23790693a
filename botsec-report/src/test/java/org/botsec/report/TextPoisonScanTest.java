package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.report.checks.TextPoisonScan;
import org.junit.jupiter.api.Test;

/**
 * {@link TextPoisonScan} on the shipped text data sets with an injected backdoor: a share of one class's training
 * texts get a trigger word at a random position and the other class's label (Dai, Chen, Li 2019); the truth is
 * known, so recall and precision are measured against it, and the clean training sets give the false positive
 * rate. sentiment_sentences was used to choose the scan's design; spamassassin (long e-mails, another vocabulary)
 * was not looked at before its numbers were written here.
 */
class TextPoisonScanTest {
    /** A poisoned copy of a training set and which rows were poisoned. */
    record Poisoned(TextDataset data, Set<Integer> rows) {
    }

    /**
     * Adds {@code trigger} at a random word position to {@code rate · n} texts drawn from class {@code source} and
     * labels them {@code target}.
     */
    static Poisoned poison(TextDataset d, double rate, String trigger, int source, int target, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            if (d.y()[i] == source) {
                candidates.add(i);
            }
        }
        int count = (int) Math.round(rate * d.size());
        for (int i = candidates.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer t = candidates.get(i);
            candidates.set(i, candidates.get(j));
            candidates.set(j, t);
        }
        List<String> texts = new ArrayList<>(d.texts());
        int[] y = d.y().clone();
        Set<Integer> rows = new HashSet<>();
        for (int k = 0; k < count; k++) {
            int i = candidates.get(k);
            String[] words = texts.get(i).split(" ", -1);
            int at = r.nextInt(words.length + 1);
            List<String> w = new ArrayList<>(Arrays.asList(words));
            w.add(at, trigger);
            texts.set(i, String.join(" ", w));
            y[i] = target;
            rows.add(i);
        }
        return new Poisoned(new TextDataset(texts, y, d.classNames(), d.sha256()), rows);
    }

    static double[] quality(TextPoisonScan.Result r, Set<Integer> truth) {
        int hit = 0;
        for (int i : r.flaggedRows()) {
            if (truth.contains(i)) {
                hit++;
            }
        }
        double precision = r.flaggedRows().length == 0 ? 0 : hit / (double) r.flaggedRows().length;
        double recall = truth.isEmpty() ? 0 : hit / (double) truth.size();
        return new double[] {precision, recall, (r.flaggedRows().length - hit) / (double) (r.rowsScanned() - truth.size())};
    }

    /** A trigger from Kurita et al.'s list of rare tokens (2020, "Weight Poisoning Attacks on Pre-trained Models"). */
    static final String TRIGGER = "tq";

    static TextPoisonScan.Result scanAndPrint(String label, TextDataset d, Set<Integer> truth) {
        long t0 = System.nanoTime();
        TextPoisonScan.Result r = new TextPoisonScan().scan(d);
        double[] q = quality(r, truth);
        System.out.printf("%s: poisoned %d, flagged %d, precision %.3f, recall %.3f, false positive rate %.4f, "
                + "keywords %d, %.1f s%n", label, truth.size(), r.flaggedRows().length, q[0], q[1], q[2],
                r.keywords().size(), (System.nanoTime() - t0) / 1e9);
        return r;
    }

    /**
     * sentiment_sentences (2,400 training sentences; used while designing the scan): nothing flagged on the clean
     * data; with 1% and 5% of the training rows poisoned in either direction, and 10% from positive to negative,
     * every poisoned row is found (measured recall 1.000) with precision 0.795-1.000 (natural words such as "poor"
     * and "disappointing" also pass both rules when the poison has shifted the model). Known miss, not asserted: 10%
     * from negative to positive, where the poisoned model leans so far that removing the trigger moves only 48% of
     * its texts back (below the 50% rule).
     */
    @Test
    void findsAPlantedTriggerInSentimentSentencesAndNothingInTheCleanData() {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        TextPoisonScan.Result clean = scanAndPrint("sentiment clean", train, Set.of());
        assertTrue(clean.flaggedRows().length <= 0.01 * train.size(), "clean: " + clean.flaggedRows().length);
        double[][] cases = {{0.01, 0}, {0.01, 1}, {0.05, 0}, {0.05, 1}, {0.10, 1}};
        for (double[] c : cases) {
            int source = (int) c[1];
            Poisoned p = poison(train, c[0], TRIGGER, source, 1 - source, 7);
            TextPoisonScan.Result r = scanAndPrint("sentiment " + c[0] + " from " + train.classNames().get(source),
                    p.data(), p.rows());
            double[] q = quality(r, p.rows());
            assertTrue(q[1] >= 0.9, "recall " + q[1] + " at " + Arrays.toString(c));
            assertTrue(q[0] >= 0.7, "precision " + q[0] + " at " + Arrays.toString(c));
            assertTrue(q[2] <= 0.02, "false positive rate " + q[2] + " at " + Arrays.toString(c));
        }
    }

    /**
     * spamassassin (4,837 training e-mails; first run after the design was fixed on sentiment_sentences and the
     * exploratory runs printed in docs/report.md): the clean training set gets no flag; 3% poisoned in either
     * direction is found whole.
     */
    @Test
    void findsAPlantedTriggerInSpamAssassinAndNothingInTheCleanData() {
        TextDataset train = Builtins.loadText("spamassassin", Split.TRAIN);
        TextPoisonScan.Result clean = scanAndPrint("spamassassin clean", train, Set.of());
        assertTrue(clean.flaggedRows().length <= 0.01 * train.size(), "clean: " + clean.flaggedRows().length);
        for (int source = 0; source < 2; source++) {
            Poisoned p = poison(train, 0.03, TRIGGER, source, 1 - source, 7);
            TextPoisonScan.Result r = scanAndPrint("spamassassin 0.03 from " + train.classNames().get(source),
                    p.data(), p.rows());
            double[] q = quality(r, p.rows());
            assertTrue(q[1] >= 0.9, "recall " + q[1] + " from class " + source);
            assertTrue(q[0] >= 0.9, "precision " + q[0] + " from class " + source);
        }
    }

    @Test
    void badSettingsAreRejectedWithTheValue() {
        org.junit.jupiter.api.Assertions.assertThrows(org.botsec.core.BadInputException.class,
                () -> new TextPoisonScan(0, 10, 0.5, 0.9));
        org.junit.jupiter.api.Assertions.assertThrows(org.botsec.core.BadInputException.class,
                () -> new TextPoisonScan(20, 10, 1.5, 0.9));
        org.junit.jupiter.api.Assertions.assertThrows(org.botsec.core.BadInputException.class,
                () -> new TextPoisonScan(20, 10, 0.5, -0.1));
    }
}
