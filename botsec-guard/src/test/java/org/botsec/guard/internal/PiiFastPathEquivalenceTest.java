package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Direction;
import org.junit.jupiter.api.Test;

/**
 * The speed work of issue #13 (allocation-free NER features, regular expressions run only on the text segments
 * that can hold a match, phone candidates inside another finding skipped) must not change a single finding. The
 * oracle is the code as it was before ({@code Legacy*}: frozen copies of commit 464baf0), run side by side with the
 * current code on one corpus: the guard's benchmark messages, hand-written texts of every PII type (ours), the
 * injection corpus (our own, 1,025 texts), generated multi-line forms and random texts made of the pieces the
 * pre-checks look at (street words, location cues, digits, separators, tabs, case-folding letters such as
 * U+017F and U+212A, non-ASCII names). Findings are compared as whole records (rule, span, score, evidence).
 *
 * <p>The legacy tagger reads the shipped model, so this test pins behaviour, not the model: a change of results made
 * on purpose (a retrained model, a new rule) must copy the then-current classes into the {@code Legacy*} files first,
 * in a commit of its own, and make its change after that.
 */
class PiiFastPathEquivalenceTest {
    /** Hand-written texts, one or more PII types each (ours; several in the shape of presidio-research's synthetic data). */
    static final List<String> HANDWRITTEN = List.of(
            "Mail me at jane.doe+shop@example.co.uk.", "card 4111 1111 1111 1111 exp 12/29", "use 5555-5555-5555-4444",
            "card number 3598899323053410 is lost", "ticket 180016070420458", "Appelez le 01.84.17.61.18 demain",
            "gsm 0490 75 40 81", "Ruf an: 030 12345678", "ring (08) 8747 6301", "my phone is 467 3395",
            "Apt. 675 62314 Mellemvej 32", "lives at 144 Main Road, 07576", "Lieferung an Hauptstraße 12, 10115 Berlin",
            "ons kantoor: Kalverstraat 92 Amsterdam", "abito in Via Roma 12, Milano", "vivo en la Calle Mayor 5, Madrid",
            "envoyez au 12 rue de la Paix", "He lived at 221B Baker Street, London", "the Rue is a plant; route 66 is a song",
            "pay to GB82 WEST 1234 5698 7654 32 THANKS", "IBAN: DE89370400440532013000", "my SSN is 123-45-6789",
            "server 10.0.0.12 and fe80::1ff:fe23:4567:890a, mask 255.255.255.0", "I was born on 12/03/1985",
            "My name is Anna Schmidt and I live in Graz", "Dr. Kamila Červinková: (72) 754-186", "call me Jean-Pierre Dubois",
            "Name: Sofia Lindqvist\nPhone: 070-123 45 67\nAddress: Storgatan 12, 114 55 Stockholm\n",
            "Yesterday I had lunch with Marco Rossi and his sister.", "please forward this to jürgen habermann before friday",
            "Ich habe gestern mit Katarzyna Wójcik telefoniert.", "Merci à Benoît Lefèvre pour son aide.",
            "I'm from TROMSØ but living in Sutri now", "We are in\tParis until Friday; staying in Lyon next week",
            "Kindly deliver to 3 bis avenue Foch, 75116 Paris or 12 av. Foch", "ul. Słowicza 10, 02-170 Warszawa",
            "Nicole: remember me? my number is +44 20 7946 0958 ext. 12", "Ship to 1600 Amphitheatre Pkwy\n1 Infinite Loop St.",
            "Contact: Mr O'Neil, 5 Downing Street, tel 020 7925 0918", "baſed in Paris, visiting Bergen",
            "Olusegun Adeyemi\n  Plot 5, Adeola Odeku Street\n  Victoria Island", "Via  dei  Fori  Imperiali  1");

    static final String[] PIECES = {"I live in", "i'm from", "I am in", "based in", "visiting", "staying in", "moved to", "trip to",
        "travelling to", "Paris", "TROMSØ", "Sutri", "marco rossi", "Kamila Červinková", "Main", "Street", "St", "Rd", "Baker",
        "Hauptstraße", "Kalverstraat", "Storgatan", "Via", "Roma", "Calle", "Mayor", "rue", "de", "la", "Paix", "av.", "bd", "ul.",
        "Słowicza", "Plaza", "Rua", "the", "and", "is", "Name:", "Phone:", "Tel", "call", "card", "Mr", "Dr.", "my name is", "born on",
        "DOB:", "ssn", "@", "jane@example.com", "10.0.0.1", "fe80::1", "::", "4111 1111 1111 1111", "0490 75 40 81",
        "01.84.17.61.18", "+44 20 7946 0958", "123-45-6789", "DE89370400440532013000", "ſ", "K", "İstanbul", "ΟΔΥΣΣΕΥΣ", "Σ", "_",
        "(", ")", ";", ".", ",", ":", "'", "-", "’", "bis", "12", "221B", "5", "1.2", "2026-11-26", "Jean-Pierre", "O'Neil", "x",
        "LIVE IN", "Based In", "born on 12/03/1985", "DOB: 1990-01-02", "date of birth 3 March 1980", "birthday is Jan 5, 1991", "12:30", "#", "/", "Jane", "Smith", "straße", "weg", "gatan", "Allée", "Corso", "ring"};
    static final String[] SEPARATORS = {" ", " ", " ", "\t", "\n", "", ", ", "  ", "\r\n", ". "};

    static String randomText(SplittableRandom r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            int k = r.nextInt(10);
            if (k == 0) {
                int digits = 1 + r.nextInt(12);
                for (int d = 0; d < digits; d++) {
                    sb.append((char) ('0' + r.nextInt(10)));
                    if (r.nextInt(4) == 0) {
                        sb.append(" -./".charAt(r.nextInt(4)));
                    }
                }
            } else {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
        }
        return sb.toString();
    }

    /** The whole corpus: benchmark messages, hand-written texts, the injection corpus, forms and random texts. */
    static List<String> corpus() {
        List<String> out = new ArrayList<>(PiiStageBenchMain.MESSAGES);
        out.addAll(HANDWRITTEN);
        for (InjectionClassifier.Example e : InjectionClassifier.loadCorpus("injection_corpus.csv")) {
            out.add(e.text());
        }
        SplittableRandom r = new SplittableRandom(20261203L);
        String[] labels = {"Name", "Phone", "Address", "Email", "City", "Company", "Notes", "Mobile", "Nom", "Telefon"};
        for (int t = 0; t < 100; t++) {
            StringBuilder sb = new StringBuilder();
            int lines = 1 + r.nextInt(6);
            for (int l = 0; l < lines; l++) {
                sb.append(labels[r.nextInt(labels.length)]).append(r.nextBoolean() ? ": " : ":").append(randomText(r, 1 + r.nextInt(5)))
                        .append(r.nextInt(4) == 0 ? "\r\n" : "\n");
            }
            out.add(sb.toString());
        }
        for (int t = 0; t < 300; t++) {
            out.add(randomText(r, t % 100 == 0 ? 150 : 1 + r.nextInt(30)));
        }
        return out;
    }

    @Test
    void nerFeaturesWithoutStringsAreTheStringFeatures() {
        SplittableRandom r = new SplittableRandom(7);
        NerFeatures.Line line = new NerFeatures.Line();
        int[] fast = new int[NerFeatures.SLOTS];
        int[] slow = new int[NerFeatures.SLOTS];
        int checked = 0;
        for (String text : corpus()) {
            for (String l : text.split("\n", -1)) {
                line.clear();
                NerTagger.tokens(l, 0, l.length(), line);
                List<int[]> tokens = NerTagger.tokens(l, 0, l.length());
                int n = tokens.size();
                assertEquals(n, line.size);
                String[] words = new String[n];
                String[] lower = new String[n];
                String[] shapes = new String[n];
                for (int i = 0; i < n; i++) {
                    words[i] = l.substring(tokens.get(i)[0], tokens.get(i)[1]);
                    lower[i] = NerFeatures.lower(words[i]);
                    shapes[i] = NerFeatures.shape(words[i]);
                }
                for (int i = 0; i < n; i++) {
                    int p1 = r.nextInt(7);
                    int p2 = r.nextInt(7);
                    NerFeatures.extract(words, lower, shapes, i, p1, p2, 1 << 18, slow);
                    NerFeatures.extract(line, i, p1, p2, 1 << 18, fast);
                    String word = words[i];
                    assertArrayEquals(slow, fast, () -> "token " + word + " in: " + l);
                    checked++;
                }
            }
        }
        assertTrue(checked > 20_000, "checked " + checked);
    }

    @Test
    void taggerFindsWhatTheOldTaggerFound() {
        int spans = 0;
        for (String text : corpus()) {
            List<LegacyNerTagger.Span> before = LegacyNerTagger.shipped().find(text);
            List<NerTagger.Span> after = NerTagger.shipped().find(text);
            assertEquals(before.size(), after.size(), text);
            for (int i = 0; i < before.size(); i++) {
                LegacyNerTagger.Span b = before.get(i);
                NerTagger.Span a = after.get(i);
                assertEquals(List.of(b.start(), b.end(), b.type(), b.score()), List.of(a.start(), a.end(), a.type(), a.score()), text);
            }
            spans += after.size();
        }
        assertTrue(spans > 1_000, "the corpus must hold many entities, got " + spans);
    }

    @Test
    void scannerFindsWhatTheOldScannerFound() {
        List<String> regions = new ArrayList<>(List.of("US"));
        regions.addAll(PiiScanner.LIKELY_PHONE_REGIONS);
        List<PiiScanner> now = List.of(PiiScanner.all(), new PiiScanner(EnumSet.allOf(PiiScanner.Type.class), regions,
                EnumSet.of(PiiScanner.Type.PERSON, PiiScanner.Type.LOCATION, PiiScanner.Type.ORGANIZATION)),
                new PiiScanner(EnumSet.of(PiiScanner.Type.PHONE, PiiScanner.Type.CREDIT_CARD), List.of("GB", "FR")));
        List<LegacyPiiScanner> before = List.of(LegacyPiiScanner.all(), new LegacyPiiScanner(EnumSet.allOf(LegacyPiiScanner.Type.class), regions,
                EnumSet.of(LegacyPiiScanner.Type.PERSON, LegacyPiiScanner.Type.LOCATION, LegacyPiiScanner.Type.ORGANIZATION)),
                new LegacyPiiScanner(EnumSet.of(LegacyPiiScanner.Type.PHONE, LegacyPiiScanner.Type.CREDIT_CARD), List.of("GB", "FR")));
        int[] perType = new int[PiiScanner.Type.values().length];
        for (String text : corpus()) {
            for (int s = 0; s < now.size(); s++) {
                List<Finding> b = before.get(s).scan(text, Direction.INPUT);
                List<Finding> a = now.get(s).scan(text, Direction.INPUT);
                assertEquals(b, a, "scanner " + s + " on: " + text);
                if (s == 1) {
                    for (Finding f : a) {
                        perType[PiiScanner.Type.valueOf(String.valueOf(f.evidence().get("entity_type"))).ordinal()]++;
                    }
                }
            }
        }
        for (PiiScanner.Type t : PiiScanner.Type.values()) {
            assertTrue(perType[t.ordinal()] >= 5, "the corpus must exercise " + t + ", found " + perType[t.ordinal()]);
        }
    }
}
