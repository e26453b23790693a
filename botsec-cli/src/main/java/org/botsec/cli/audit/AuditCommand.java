package org.botsec.cli.audit;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.ModelInputs;
import org.botsec.core.data.TextDataset;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.ModelRegistry;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.io.ModelSignatures;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import org.botsec.core.prov.Provenance;
import org.botsec.report.CheckResult;
import org.botsec.report.Report;
import org.botsec.report.Subject;
import org.botsec.report.audit.AuditCheck;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;
import org.botsec.report.audit.AuditOutput;
import org.botsec.report.audit.AuditRunner;
import org.botsec.report.audit.Checks;
import org.botsec.report.audit.GuardUnderTest;
import org.botsec.guard.GuardPipeline;
import org.botsec.report.render.HtmlReport;
import org.botsec.report.render.StixBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec audit}: every check that applies, one report in four formats; exit 3 when a check fails. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Audit one or more models (numeric, or text models with text data): accuracy, robustness, "
                + "membership inference and the privacy claim, a poisoning scan, explanation stability, and a "
                + "self-test of the guard policy when one is given. Writes report.html, report.json, report.sarif and "
                + "report.stix.json; exit 3 when a check fails.",
        footer = {"", "Examples:",
                "  botsec audit --model bc.safetensors --data builtin:breast_cancer:test \\",
                "      --train-data builtin:breast_cancer:train --out audit-bc",
                "  botsec audit --model digits.safetensors --model digits-dp.safetensors \\",
                "      --data builtin:digits8x8:test --train-data builtin:digits8x8:train \\",
                "      --config audit.yaml --out audit-digits --json",
                "  botsec audit --model sentiment.safetensors --data builtin:sentiment_sentences:test \\",
                "      --train-data builtin:sentiment_sentences:train --policy policy.yaml --out audit-bot"})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model file (.safetensors); repeat to audit several side by side.")
    List<Path> models;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "Audit data the models were not trained on: CSV file or builtin:NAME[:test].")
    String data;

    @Option(names = "--train-data", paramLabel = "DATA",
            description = "The training data (membership inference, privacy audit, poisoning scan).")
    String trainData;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of CSV data.")
    String label;

    @Option(names = "--config", paramLabel = "FILE", description = "Audit config (YAML): thresholds per check.")
    Path config;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Guard policy (YAML or JSON) to self-test against BotSec's probes; wins over policy: in "
                    + "the config.")
    Path policy;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the four report files.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of every random choice (a config's seed wins; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tlp", defaultValue = "amber", paramLabel = "LEVEL",
            description = "TLP marking of the STIX bundle: white, green, amber or red (default: ${DEFAULT-VALUE}).")
    String tlp;

    @Option(names = "--json", description = "Print one JSON document: {\"passed\", \"out\", \"audits\": [...]}.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--require-signature", paramLabel = "PUB.json",
            description = "Audit only models with a valid signature (MODEL.sig) by this public key; exit 3 otherwise.")
    Path requireSignature;

    @Override
    public Integer call() {
        AuditOutput.checkTarget(out);
        StixBundle.Tlp marking = parseTlp(tlp);
        List<AuditCheck> checks = Checks.all();
        AuditConfig cfg = config == null ? AuditConfig.defaults(checks, seed) : AuditConfig.read(config, checks, seed);
        if (requireSignature != null) {
            for (Path m : models) {
                ModelSignatures.require(m, requireSignature); // before any work: an unsigned model is not audited
            }
        }
        Optional<GuardUnderTest> guard = Optional.ofNullable(policy).or(() -> cfg.policy().map(Path::of))
                .map(AuditCommand::guard);
        List<AuditContext> contexts = new ArrayList<>();
        for (Path m : models) {
            AuditContext c = context(m, data, trainData, label, cfg.seed());
            contexts.add(guard.map(c::withGuard).orElse(c));
        }
        AuditRunner runner = new AuditRunner(checks, cfg);
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, "audit", !quiet);
        int total = runner.steps(contexts.size());
        Report report = runner.run(contexts, (check, done) -> bar.update(done, total, check));
        bar.finish();
        AuditOutput.write(report, out, marking);
        render(report);
        if (!report.passed()) {
            throw new ThresholdException("audit failed: " + failed(report) + " (report: "
                    + out.resolve("report.html") + ")");
        }
        return ExitCode.OK;
    }

    /**
     * What {@code botsec audit} audits for one model file: the model, the audit data and the training data fitted
     * to it, and the subject as the report names it (with the model's privacy claim from its provenance).
     */
    public static AuditContext context(Path modelFile, String data, String trainData, String label, long s) {
        Model m = ModelFiles.load(modelFile);
        Optional<Provenance> prov = ModelRegistry.provenance(m);
        if (m instanceof TextClassifier t) {
            TextDataset audit = fitText(DataSources.loadText(data), t, data);
            Optional<TextDataset> train = Optional.ofNullable(trainData).map(d -> fitText(DataSources.loadText(d), t, d));
            return AuditContext.forText(subject(modelFile, m, prov, data, audit.sha256(), trainData), t, audit, train, s);
        }
        if (!(m instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is neither a numeric nor a text classifier", modelFile,
                    m.type());
        }
        Dataset audit = fit(DataSources.loadNumeric(data, label), c, data);
        Optional<Dataset> train = Optional.ofNullable(trainData)
                .map(t -> fit(DataSources.loadNumeric(t, label), c, t));
        return new AuditContext(subject(modelFile, m, prov, data, audit.sha256(), trainData), c, audit, train, s);
    }

    /** The guard policy in {@code file}, as the self-test runs it. */
    public static GuardUnderTest guard(Path file) {
        GuardPipeline pipeline = GuardPipeline.fromPolicy(file);
        return new GuardUnderTest(file.toString(), SafeFiles.sha256(file), pipeline);
    }

    private static Subject subject(Path modelFile, Model m, Optional<Provenance> prov, String data, String dataSha256,
                                   String trainData) {
        return new Subject(modelFile.toString(), SafeFiles.sha256(modelFile), m.type(),
                prov.map(Provenance::trainer).orElse("unknown"), prov.flatMap(Provenance::privacy), data, dataSha256,
                Optional.ofNullable(trainData));
    }

    private static Dataset fit(Dataset d, Classifier c, String source) {
        if (d.size() == 0) {
            throw BadInputException.of("%s has no rows", source);
        }
        return ModelInputs.forModel(d, c.featureNames(), c.classNames(), source);
    }

    private static TextDataset fitText(TextDataset d, TextClassifier t, String source) {
        if (d.size() == 0) {
            throw BadInputException.of("%s has no rows", source);
        }
        return new TextDataset(d.texts(), ModelInputs.remapLabels(d.y(), d.classNames(), t.classNames(), source),
                t.classNames(), d.sha256());
    }

    static StixBundle.Tlp parseTlp(String s) {
        for (StixBundle.Tlp t : StixBundle.Tlp.values()) {
            if (t.label().equals(s.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw BadInputException.of("--tlp must be white, green, amber or red, got %s", s);
    }

    private static String failed(Report r) {
        List<String> f = new ArrayList<>();
        for (Report.ModelAudit a : r.audits()) {
            for (CheckResult c : a.checks()) {
                if (c.status() == CheckResult.Status.FAIL || c.status() == CheckResult.Status.ERROR) {
                    f.add(a.subject().modelFile() + ": " + c.id());
                }
            }
        }
        return String.join(", ", f);
    }

    private void render(Report report) {
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("passed", report.passed());
            doc.put("out", out.toString());
            doc.put("files", AuditOutput.FILES);
            List<Map<String, Object>> audits = new ArrayList<>();
            for (Report.ModelAudit a : report.audits()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("model", a.subject().modelFile());
                am.put("passed", a.passed());
                List<Map<String, Object>> cs = new ArrayList<>();
                for (CheckResult c : a.checks()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("id", c.id());
                    cm.put("status", c.status().label());
                    cm.put("measured", c.measuredValue().orElse(null));
                    cm.put("threshold", c.threshold().map(Object::toString).orElse(null));
                    cs.add(cm);
                }
                am.put("checks", cs);
                audits.add(am);
            }
            doc.put("audits", audits);
            Json.print(o, doc);
            return;
        }
        for (Report.ModelAudit a : report.audits()) {
            o.printf(Locale.ROOT, "%s: %s%n", a.subject().modelFile(), a.passed() ? "passed" : "FAILED");
            for (CheckResult c : a.checks()) {
                // a check with several bounds (the guard self-test) can fail with its score-card value in bounds
                boolean failedElsewhere = c.status() == CheckResult.Status.FAIL
                        && c.threshold().isPresent() && c.measuredValue().map(c.threshold().get()::passes).orElse(false);
                o.printf(Locale.ROOT, "  %-15s %-24s %s%n", c.status().label(), c.id(),
                        c.threshold().map(t -> HtmlReport.num(c.measuredValue().orElse(Double.NaN)) + " (needs "
                                + t.direction().symbol() + " " + HtmlReport.num(t.value()) + ")"
                                + (failedElsewhere ? " " + c.summary() : "")).orElse(c.summary()));
            }
        }
        o.printf(Locale.ROOT, "report: %s (also report.json, report.sarif, report.stix.json)%n",
                out.resolve("report.html"));
        o.flush();
    }
}
