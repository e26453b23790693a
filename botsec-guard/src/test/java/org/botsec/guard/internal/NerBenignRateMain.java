package org.botsec.guard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often the tagger reports a PERSON in benign prompts, for two model files side by side: the share of messages
 * with at least one PER span, per source. Input: JSON lines with {@code text}, {@code label} (0 = benign) and
 * {@code source} (the guard's external injection test split, built outside the repository; see docs/guard.md). Some
 * of these prompts do name people (GSM8K's word problems), so the figure is an upper bound on false positives and is
 * read as a comparison between models.
 *
 * <p>Usage: {@code NerBenignRateMain FILE.jsonl OLD_MODEL.bin.gz NEW_MODEL.bin.gz [show]}
 */
public final class NerBenignRateMain {
    private NerBenignRateMain() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        NerTagger before = load(Path.of(args[1]));
        NerTagger after = load(Path.of(args[2]));
        boolean show = args.length > 3 && args[3].equals("show");
        Map<String, int[]> counts = new TreeMap<>(); // source -> {messages, with PER before, with PER after}
        List<String> shown = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            JsonNode row = json.readTree(line);
            if (row.path("label").asInt(1) != 0) {
                continue;
            }
            String text = row.path("text").asText();
            int[] c = counts.computeIfAbsent(row.path("source").asText("?"), k -> new int[3]);
            c[0]++;
            List<String> b = persons(before, text);
            List<String> a = persons(after, text);
            c[1] += b.isEmpty() ? 0 : 1;
            c[2] += a.isEmpty() ? 0 : 1;
            if (show && !a.equals(b)) {
                shown.add(b + " -> " + a);
            }
        }
        int[] total = new int[3];
        System.out.printf(Locale.ROOT, "%-45s %6s %14s %14s%n", "source (benign)", "n", "with PER old", "with PER new");
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            for (int k = 0; k < 3; k++) {
                total[k] += c[k];
            }
            System.out.printf(Locale.ROOT, "%-45s %6d %8d %5.1f%% %8d %5.1f%%%n", e.getKey(), c[0], c[1], 100.0 * c[1] / c[0], c[2], 100.0 * c[2] / c[0]);
        }
        System.out.printf(Locale.ROOT, "%-45s %6d %8d %5.1f%% %8d %5.1f%%%n", "all", total[0], total[1], 100.0 * total[1] / total[0],
                total[2], 100.0 * total[2] / total[0]);
        shown.forEach(System.out::println);
    }

    private static NerTagger load(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return NerTagger.read(in);
        }
    }

    private static List<String> persons(NerTagger tagger, String text) {
        return tagger.find(text).stream().filter(s -> s.type().equals("PER")).map(s -> text.substring(s.start(), s.end())).toList();
    }
}
