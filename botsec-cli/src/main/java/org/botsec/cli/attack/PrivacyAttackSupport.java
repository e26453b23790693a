package org.botsec.cli.attack;

import org.botsec.core.math.Numbers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.attack.AttackReport;
import org.botsec.attack.ModelQueries;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingJson;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;

/** What the privacy-attack commands (membership, inversion, extraction, privacy-audit) share. */
final class PrivacyAttackSupport {
    private PrivacyAttackSupport() {
    }

    /** Loads a model file that gives class probabilities for numeric rows. */
    static Classifier loadClassifier(Path path) {
        Model m = ModelFiles.load(path);
        if (!(m instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is not a numeric classifier; privacy attacks need class "
                    + "probabilities for numeric rows", path, m.type());
        }
        return c;
    }

    /** A numeric data set, CSV (with {@code --label}) or {@code builtin:NAME[:split]}. */
    static Dataset loadData(String spec, String label, String option) {
        if (spec == null || spec.isBlank()) {
            throw BadInputException.of("%s is empty", option);
        }
        return DataSources.loadNumeric(spec, label);
    }

    /** The report as the one JSON document {@code {"attack", "metrics", "settings", "seed", "findings", ...extra}}. */
    static Map<String, Object> json(AttackReport r, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", r.attack());
        m.put("metrics", r.metrics());
        m.put("settings", r.settings());
        m.put("seed", r.seed().isPresent() ? r.seed().getAsLong() : null);
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Finding f : r.findings()) {
            findings.add(FindingJson.toMap(f));
        }
        m.put("findings", findings);
        m.putAll(extra);
        return m;
    }

    /** Human-readable output: metrics then findings. */
    static void printHuman(PrintWriter out, AttackReport r) {
        out.println("attack: " + r.attack());
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            out.printf(Locale.ROOT, "  %-32s %s%n", e.getKey(), format(e.getValue()));
        }
        if (r.seed().isPresent()) {
            out.println("  seed                             " + r.seed().getAsLong());
        }
        for (Finding f : r.findings()) {
            out.printf(Locale.ROOT, "[%s] %s%n", f.severity().name().toLowerCase(Locale.ROOT), f.title());
        }
        out.flush();
    }

    static void print(PrintWriter out, boolean json, AttackReport r, Map<String, Object> extra) {
        if (json) {
            Json.print(out, json(r, extra));
        } else {
            printHuman(out, r);
        }
    }

    /** As {@link #print(PrintWriter, boolean, AttackReport, Map)}, with what the model was asked ({@code model_queries}). */
    static void print(PrintWriter out, boolean json, AttackReport r, Map<String, Object> extra, ModelQueries q) {
        Map<String, Object> all = new LinkedHashMap<>(extra);
        all.put("model_queries", q.asMap());
        print(out, json, r, all);
        if (!json) {
            out.println(queriesLine(q));
            out.flush();
        }
    }

    /** One human-readable line of model queries. */
    static String queriesLine(ModelQueries q) {
        return String.format(Locale.ROOT, "model queries: %d prediction rows in %d calls, %d gradient rows in %d calls",
                q.predictRows(), q.predictCalls(), q.gradientRows(), q.gradientCalls());
    }

    private static String format(double v) {
        return Numbers.format(v);
    }
}
