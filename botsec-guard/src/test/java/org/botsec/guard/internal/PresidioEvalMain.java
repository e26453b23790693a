package org.botsec.guard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;

/**
 * Held-out evaluation of the PII scanner on microsoft/presidio-research's {@code data/synth_dataset_v2.json}
 * (MIT licence; 1,500 generated sentences with gold spans). The file stays outside the repository and is
 * never used for training or tuning: this main only reads it and prints per-type figures.
 *
 * <p>Matching is by overlap: a gold span is found when a finding of the mapped type overlaps it; a finding
 * is correct when it overlaps a gold span of its type. {@code crossing} counts PERSON/LOCATION/ORGANIZATION
 * findings that contain a line break or a field label ("Phone:"), which must be 0.
 *
 * <p>Usage: {@code PresidioEvalMain /work/ext/pii/synth_dataset_v2.json [TYPE [fp [defaults]]]}: every type with
 * the tagger reporting PERSON, LOCATION and ORGANIZATION, or with {@code defaults} the default scanner.
 */
public final class PresidioEvalMain {
    private PresidioEvalMain() {
    }

    /** Presidio entity type → our entity type. Types we do not detect are left out. */
    static final Map<String, String> MAPPING = Map.of(
            "PERSON", "PERSON", "GPE", "LOCATION", "LOCATION", "LOCATION", "STREET_ADDRESS", "STREET_ADDRESS",
            "ORGANIZATION", "ORGANIZATION", "CREDIT_CARD", "CREDIT_CARD", "PHONE_NUMBER", "PHONE",
            "EMAIL_ADDRESS", "EMAIL", "IBAN_CODE", "IBAN", "US_SSN", "US_SSN");

    private static List<String> withLikely() {
        List<String> r = new ArrayList<>(List.of("US"));
        r.addAll(PiiScanner.LIKELY_PHONE_REGIONS);
        return r;
    }

    public static void main(String[] args) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        // every type, ORGANIZATION too (not in the defaults), so that its figures can be reported
        boolean defaults = args.length > 3 && args[3].equals("defaults");
        PiiScanner scanner = defaults ? PiiScanner.all()
                : new PiiScanner(java.util.EnumSet.allOf(PiiScanner.Type.class), withLikely(), java.util.EnumSet.of(
                        PiiScanner.Type.PERSON, PiiScanner.Type.LOCATION, PiiScanner.Type.ORGANIZATION));
        Map<String, int[]> stats = new LinkedHashMap<>(); // type -> {gold, found, predicted, correct}
        for (String t : List.of("CREDIT_CARD", "PHONE", "PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS", "EMAIL", "IBAN", "US_SSN")) {
            stats.put(t, new int[4]);
        }
        int crossing = 0;
        int nerFindings = 0;
        List<String> misses = new ArrayList<>();
        for (JsonNode sample : root) {
            String text = sample.get("full_text").asText();
            List<Finding> found = scanner.scan(text, Direction.INPUT);
            List<int[]> gold = new ArrayList<>();
            List<String> goldType = new ArrayList<>();
            for (JsonNode s : sample.get("spans")) {
                String t = MAPPING.get(s.get("entity_type").asText());
                if (t == null) {
                    continue;
                }
                gold.add(new int[] {s.get("start_position").asInt(), s.get("end_position").asInt()});
                goldType.add(t);
            }
            for (int i = 0; i < gold.size(); i++) {
                int[] g = gold.get(i);
                String t = goldType.get(i);
                boolean hit = found.stream().anyMatch(f -> GuardFindings.entityType(f).equals(t)
                        && f.span().orElseThrow().start() < g[1] && g[0] < f.span().orElseThrow().end());
                stats.get(t)[0]++;
                if (hit) {
                    stats.get(t)[1]++;
                } else if (args.length > 1 && args[1].equals(t)) {
                    misses.add(text.substring(g[0], g[1]).replace("\n", "\\n") + "   <<  " + text.replace("\n", "\\n"));
                }
            }
            for (Finding f : found) {
                String t = GuardFindings.entityType(f);
                int s = f.span().orElseThrow().start();
                int e = f.span().orElseThrow().end();
                if (t.equals("PERSON") || t.equals("LOCATION") || t.equals("ORGANIZATION")) {
                    nerFindings++;
                    String span = text.substring(s, e);
                    if (span.indexOf('\n') >= 0 || span.matches("(?s).*\\p{L}+\\s*:.*")) {
                        crossing++;
                    }
                }
                int[] st = stats.get(t);
                if (st == null) {
                    continue;
                }
                st[2]++;
                boolean ok = false;
                for (int i = 0; i < gold.size(); i++) {
                    if (goldType.get(i).equals(t) && gold.get(i)[0] < e && s < gold.get(i)[1]) {
                        ok = true;
                    }
                }
                if (ok) {
                    st[3]++;
                } else if (args.length > 2 && args[2].equals("fp") && args[1].equals(t)) {
                    misses.add("FP " + text.substring(s, e).replace("\n", "\\n") + "   <<  " + text.replace("\n", "\\n"));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-15s %6s %6s %7s %9s%n", "type", "gold", "found", "recall", "precision");
        for (Map.Entry<String, int[]> e : stats.entrySet()) {
            int[] s = e.getValue();
            System.out.printf(Locale.ROOT, "%-15s %6d %6d %7.3f %9s%n", e.getKey(), s[0], s[1], s[0] == 0 ? 0.0 : s[1] / (double) s[0],
                    s[2] == 0 ? "-" : String.format(Locale.ROOT, "%.3f", s[3] / (double) s[2]));
        }
        System.out.printf(Locale.ROOT, "name/place/org findings crossing a line break or holding a field label: %d of %d%n", crossing, nerFindings);
        misses.stream().limit(60).forEach(System.out::println);
    }
}
