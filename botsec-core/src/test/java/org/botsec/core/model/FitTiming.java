package org.botsec.core.model;

import java.util.Arrays;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;

/**
 * Wall-clock timing of the fits quoted in docs/data.md (not a unit test, not JMH: a rough median of repeated
 * runs after warm-up). Run: {@code java -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.botsec.core.model.FitTiming}.
 */
public final class FitTiming {
    private FitTiming() {
    }

    private static double medianMillis(Runnable r, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    public static void main(String[] args) {
        long s = System.nanoTime();
        Builtins.load("mnist10k", Split.ALL);
        System.out.printf("first load of mnist10k (10,000 x 784): %.0f ms%n", (System.nanoTime() - s) / 1e6);
        TextDataset sentences = Builtins.loadText("sentiment_sentences", Split.ALL);
        Dataset digits = Builtins.load("digits8x8", Split.ALL);
        Dataset cancer = Builtins.load("breast_cancer", Split.TRAIN);
        LogisticRegression lr = LogisticRegression.builder().build();
        LogisticRegression lrs = LogisticRegression.builder().standardize(true).build();
        System.out.printf("TextPipeline.fit sentiment_sentences (3,000 texts, 5,155 terms): median %.0f ms%n",
                medianMillis(() -> TextPipeline.fit(sentences, lr), 3, 9));
        System.out.printf("LogisticRegression.fit digits8x8 (1,797 x 64, 10 classes): median %.0f ms (n_iter %s)%n",
                medianMillis(() -> lr.fit(digits), 2, 7), lr.fit(digits).provenance().orElseThrow().parameters().get("n_iter"));
        System.out.printf("LogisticRegression.fit breast_cancer train, standardised (456 x 30): median %.1f ms%n",
                medianMillis(() -> lrs.fit(cancer), 5, 15));
    }
}
