package org.botsec.guard.semantic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.botsec.guard.Direction;
import org.botsec.guard.internal.InjectionScanner;

/**
 * In-process scan latency for 1 KB messages, per cascade stage, against the old default (rules + n-gram
 * classifier) measured in the same process:
 * <pre>
 *   mvn -B -q -o -pl botsec-guard-semantic -am test-compile
 *   java -cp "$(cat cp.txt)" org.botsec.guard.semantic.SemanticScanBench [iterations] [seed]
 * </pre>
 * Messages are built by us from a fixed word list with a seeded generator (the seed is printed), so no rule
 * fires on them and every message reaches the embedding stage: the worst case of the cascade.
 */
public final class SemanticScanBench {
    private static final String[] WORDS = ("the a of to and in for on with at by from order parcel delivery account invoice "
            + "question please could you help me find explain summary report meeting schedule weather recipe travel train "
            + "ticket price budget team project update customer support refund policy shipping address week month year today "
            + "tomorrow morning evening python function error message database query table column value list").split(" ");

    private SemanticScanBench() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261203L;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> messages = messages(rnd, 1024);
        List<String> long4k = messages(rnd, 4096);
        long t0 = System.nanoTime();
        SemanticInjectionScanner cascade = SemanticInjectionScanner.shipped();
        System.out.printf(Locale.ROOT, "model load %.0f ms; %d iterations per stage, seed %d, %d cores%n",
                (System.nanoTime() - t0) / 1e6, iterations, seed, Runtime.getRuntime().availableProcessors());
        InjectionScanner old = InjectionScanner.defaults();
        InjectionScanner rules = new InjectionScanner(null, 0.5);
        InjectionHead head = InjectionHead.shipped();
        TextEmbedder embedder = SemanticInjectionScanner.encoderFor(head);
        double[] base = time("old default: rules + n-gram classifier (baseline)", messages, iterations, m -> old.scan(m, Direction.INPUT), null);
        time("stage 1: rules and hidden-text checks", messages, iterations, m -> rules.scan(m, Direction.INPUT), base);
        time("stage 2: embedding (" + head.encoder().split(" ")[0] + ") + head", messages, iterations, m -> head.score(embedder.embed(m)), base);
        if (!head.encoder().equals(MiniLmEmbedder.MODEL_NAME)) {
            TextEmbedder minilm = MiniLmEmbedder.shared();
            time("for comparison: embedding by all-MiniLM-L6-v2-q alone", messages, iterations, minilm::embed, base);
        }
        time("semantic cascade, whole scanner", messages, iterations, m -> cascade.scan(m, Direction.INPUT), base);
        double[] base4k = time("4 KB: old default (baseline)", long4k, Math.max(20, iterations / 5), m -> old.scan(m, Direction.INPUT), null);
        time("4 KB: semantic cascade (long text read as " + head.longText().id() + ")", long4k, Math.max(20, iterations / 5),
                m -> cascade.scan(m, Direction.INPUT), base4k);
    }

    private static List<String> messages(SplittableRandom rnd, int chars) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < chars) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(12) == 0 ? ". " : " ");
            }
            out.add(sb.substring(0, chars));
        }
        return out;
    }

    private static double[] time(String name, List<String> messages, int iterations, Consumer<String> f, double[] base) {
        for (int i = 0; i < Math.max(20, iterations / 10); i++) {
            f.accept(messages.get(i % messages.size()));
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long s = System.nanoTime();
            f.accept(messages.get(i % messages.size()));
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        double p50 = ms[iterations / 2];
        double p99 = ms[Math.min(iterations - 1, (int) Math.ceil(0.99 * iterations) - 1)];
        System.out.printf(Locale.ROOT, "%-55s p50 %8.3f ms  p99 %8.3f ms%s%n", name, p50, p99,
                base == null ? "" : String.format(Locale.ROOT, "  (p50 %.1fx, p99 %.1fx the baseline)", p50 / base[0], p99 / base[1]));
        return new double[] {p50, p99};
    }
}
