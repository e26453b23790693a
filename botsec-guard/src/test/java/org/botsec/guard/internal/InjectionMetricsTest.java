package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.botsec.guard.Direction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Precision, recall and F1 of the injection classifier and of the whole injection scanner (rules + hidden
 * text + classifier) on a held-out split of BotSec's own corpus (stratified 75/25, seed 42), and on the
 * hand-written evaluation set that no template produced. The floors sit a few points below the measured
 * values recorded in docs/guard.md, so that a regression fails but ordinary noise does not.
 */
class InjectionMetricsTest {
    static final long SPLIT_SEED = 42L;
    static List<InjectionClassifier.Example> train = new ArrayList<>();
    static List<InjectionClassifier.Example> test = new ArrayList<>();
    static InjectionClassifier model;

    record Metrics(int tp, int fp, int fn, int tn) {
        double precision() {
            return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        }

        double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        @Override
        public String toString() {
            return String.format("P=%.3f R=%.3f F1=%.3f (tp=%d fp=%d fn=%d tn=%d)", precision(), recall(), f1(), tp, fp, fn, tn);
        }
    }

    @BeforeAll
    static void split() {
        List<InjectionClassifier.Example> all = InjectionClassifier.loadCorpus("injection_corpus.csv");
        SplittableRandom random = new SplittableRandom(SPLIT_SEED);
        // stratified: shuffle each class, put every 4th into the test set
        for (boolean label : new boolean[] {true, false}) {
            List<InjectionClassifier.Example> cls = new ArrayList<>(all.stream().filter(e -> e.attack() == label).toList());
            for (int i = cls.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                var t = cls.get(i);
                cls.set(i, cls.get(j));
                cls.set(j, t);
            }
            for (int i = 0; i < cls.size(); i++) {
                (i % 4 == 0 ? test : train).add(cls.get(i));
            }
        }
        model = InjectionClassifier.train(train, InjectionClassifier.Settings.defaults());
    }

    static Metrics evaluate(List<InjectionClassifier.Example> data, Predicate<String> predict, List<String> misses) {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (var e : data) {
            boolean p = predict.test(e.text());
            if (p && e.attack()) tp++;
            else if (p) { fp++; misses.add("FP [" + e.family() + "] " + e.text()); }
            else if (e.attack()) { fn++; misses.add("FN [" + e.family() + "] " + e.text()); }
            else tn++;
        }
        return new Metrics(tp, fp, fn, tn);
    }

    @Test
    void corpusHasEnoughExamplesPerSide() {
        List<InjectionClassifier.Example> all = InjectionClassifier.loadCorpus("injection_corpus.csv");
        Map<String, Integer> families = new TreeMap<>();
        all.forEach(e -> families.merge(e.family(), 1, Integer::sum));
        long attacks = all.stream().filter(InjectionClassifier.Example::attack).count();
        assertTrue(attacks >= 300, "attacks: " + attacks);
        assertTrue(all.size() - attacks >= 300, "benign: " + (all.size() - attacks));
        assertTrue(families.getOrDefault("hard_negative", 0) >= 100, families.toString());
        for (String f : List.of("instruction_override", "role_hijack", "system_prompt_extraction", "delimiter_injection",
                "encoded_payload", "invisible_unicode", "jailbreak")) {
            assertTrue(families.getOrDefault(f, 0) >= 20, f + " in " + families);
        }
    }

    @Test
    void corpusRowsAreUniqueAndParse() throws Exception {
        List<InjectionClassifier.Example> all = InjectionClassifier.loadCorpus("injection_corpus.csv");
        assertTrue(all.size() == all.stream().map(InjectionClassifier.Example::text).distinct().count(), "duplicate texts");
        // the reader handles quotes, doubled quotes, commas and newlines inside fields
        var parsed = InjectionClassifier.parseCsv(new java.io.BufferedReader(new java.io.StringReader(
                "text,label,family\n\"a, \"\"b\"\"\nc\",attack,x\r\nplain,benign,y")));
        assertTrue(parsed.size() == 2, parsed.toString());
        assertTrue(parsed.get(0).text().equals("a, \"b\"\nc") && parsed.get(0).attack(), parsed.toString());
        assertTrue(parsed.get(1).text().equals("plain") && !parsed.get(1).attack() && parsed.get(1).family().equals("y"), parsed.toString());
    }

    /**
     * Expected calibration error (Guo et al. 2017, <i>On Calibration of Modern Neural Networks</i>, eq. 3): the
     * mean over 10 equal-width bins of |fraction of attacks − mean score|, weighted by bin size. Printed for
     * docs/guard.md, which is why the guard labels the classifier's output an uncalibrated score.
     */
    static double expectedCalibrationError(List<InjectionClassifier.Example> data, InjectionClassifier m) {
        int bins = 10;
        double[] sumScore = new double[bins];
        int[] positives = new int[bins];
        int[] count = new int[bins];
        for (var e : data) {
            double p = m.score(e.text());
            int b = Math.min(bins - 1, (int) (p * bins));
            sumScore[b] += p;
            positives[b] += e.attack() ? 1 : 0;
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += (double) count[b] / data.size() * Math.abs((double) positives[b] / count[b] - sumScore[b] / count[b]);
            }
        }
        return ece;
    }

    @Test
    void calibrationIsMeasuredNotAssumed() {
        double heldOut = expectedCalibrationError(test, model);
        double hand = expectedCalibrationError(InjectionClassifier.loadCorpus("injection_handwritten_eval.csv"), InjectionClassifier.shipped());
        System.out.printf("classifier ECE (10 bins): held-out %.3f, hand-written %.3f%n", heldOut, hand);
        // an ECE is a weighted mean of differences of two numbers in [0, 1]
        assertTrue(heldOut >= 0 && heldOut <= 1 && hand >= 0 && hand <= 1);
    }

    @Test
    void classifierAloneOnHeldOut() {
        List<String> misses = new ArrayList<>();
        Metrics m = evaluate(test, t -> model.score(t) >= 0.5, misses);
        System.out.println("classifier held-out (n=" + test.size() + "): " + m);
        misses.forEach(s -> System.out.println("  " + s));
        assertTrue(m.precision() >= 0.90, m.toString());
        assertTrue(m.recall() >= 0.80, m.toString());
        assertTrue(m.f1() >= 0.85, m.toString());
    }

    @Test
    void fullScannerOnHeldOut() {
        InjectionScanner scanner = new InjectionScanner(model, 0.5);
        List<String> misses = new ArrayList<>();
        Metrics m = evaluate(test, t -> !scanner.scan(t, Direction.INPUT).isEmpty(), misses);
        System.out.println("scanner held-out (n=" + test.size() + "): " + m);
        misses.forEach(s -> System.out.println("  " + s));
        assertTrue(m.precision() >= 0.90, m.toString());
        assertTrue(m.recall() >= 0.90, m.toString());
        assertTrue(m.f1() >= 0.90, m.toString());
    }

    @Test
    void fullScannerOnHandWrittenSet() {
        List<InjectionClassifier.Example> hand = InjectionClassifier.loadCorpus("injection_handwritten_eval.csv");
        InjectionScanner scanner = new InjectionScanner(InjectionClassifier.shipped(), 0.5);
        List<String> misses = new ArrayList<>();
        Metrics m = evaluate(hand, t -> !scanner.scan(t, Direction.INPUT).isEmpty(), misses);
        System.out.println("scanner hand-written (n=" + hand.size() + "): " + m);
        misses.forEach(s -> System.out.println("  " + s));
        List<String> misses2 = new ArrayList<>();
        Metrics c = evaluate(hand, t -> InjectionClassifier.shipped().score(t) >= 0.5, misses2);
        System.out.println("classifier hand-written (n=" + hand.size() + "): " + c);
        assertTrue(m.precision() >= 0.85, m.toString());
        assertTrue(m.recall() >= 0.80, m.toString());
        assertTrue(m.f1() >= 0.85, m.toString());
    }
}
