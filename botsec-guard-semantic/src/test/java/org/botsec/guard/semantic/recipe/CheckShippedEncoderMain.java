package org.botsec.guard.semantic.recipe;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.botsec.guard.semantic.InjectionHead;
import org.botsec.guard.semantic.SemanticInjectionScanner;
import org.botsec.guard.semantic.TextEmbedder;

/**
 * Checks that the encoder the scanner ships for the shipped head gives the embeddings the head was trained and
 * evaluated on (the recipe's cache, filled by the recipe's own encoder):
 * <pre>
 *   java -cp ... org.botsec.guard.semantic.recipe.CheckShippedEncoderMain /work/ext/semantic/corpus E5DIR [n]
 * </pre>
 * Prints the largest absolute difference over the first {@code n} validation texts.
 */
public final class CheckShippedEncoderMain {
    private CheckShippedEncoderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        List<Corpus.Example> val = Corpus.read(corpus.resolve("val.jsonl")).subList(0, n);
        Corpus.CachedEmbedder cached = TrainInjectionHeadMain.encoder("e5:" + args[1], corpus);
        TextEmbedder shipped = SemanticInjectionScanner.encoderFor(InjectionHead.shipped());
        double worst = 0;
        for (Corpus.Example e : val) {
            String part = SemanticInjectionScanner.embeddedPart(e.text());
            float[] a = cached.embed(part);
            float[] b = shipped.embed(part);
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        System.out.printf(Locale.ROOT, "%d validation texts: largest |cached - shipped| = %.3g%n", n, worst);
    }
}
