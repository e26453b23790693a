package org.botsec.spark;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Split;
import org.botsec.guard.GuardPipeline;

/**
 * Texts for the tests and the bench, all public data shipped with BotSec: the guard's prompt-injection corpus
 * (botsec-guard main resources), the UCI sentiment sentences (botsec-core built-in data set), plus PII lines
 * built from documented test numbers (Luhn-valid test card, the IBAN example of ISO 13616).
 */
final class TestRows {
    private TestRows() {
    }

    static List<String> injectionCorpus() {
        try (Reader r = new InputStreamReader(GuardPipeline.class.getResourceAsStream("/org/botsec/guard/corpus/injection_corpus.csv"),
                StandardCharsets.UTF_8)) {
            List<String> out = new ArrayList<>();
            for (CSVRecord rec : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
                out.add(rec.get("text"));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> pii() {
        return List.of(
                "Hi, I'm Jane, card 4111 1111 1111 1111, mail jane@example.com",
                "my IBAN is GB82 WEST 1234 5698 7654 32, please refund",
                "call me on +44 20 7946 0958 tomorrow",
                "server 192.168.10.4 says ORD-123456 is late",
                "SSN 123-45-6789 for the form",
                "api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc");
    }

    /** {@code n} texts cycling through the three sources (injection, sentiment, PII). */
    static List<String> mixed(int n) {
        List<String> inj = injectionCorpus();
        List<String> sent = Builtins.loadText("sentiment_sentences", Split.ALL).texts();
        List<String> pii = pii();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(switch (i % 3) {
                case 0 -> inj.get((i / 3) % inj.size());
                case 1 -> sent.get((i / 3) % sent.size());
                default -> pii.get((i / 3) % pii.size());
            });
        }
        return out;
    }
}
