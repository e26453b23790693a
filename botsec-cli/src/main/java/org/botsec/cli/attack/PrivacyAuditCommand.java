package org.botsec.cli.attack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.botsec.attack.AttackReport;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.audit.ClaimCheck;
import org.botsec.attack.audit.OneRunAudit;
import org.botsec.attack.audit.PrivacyClaim;
import org.botsec.attack.inference.MembershipData;
import org.botsec.attack.inference.MembershipInference;
import org.botsec.attack.inference.MembershipMethod;
import org.botsec.attack.inference.MembershipResult;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Splits;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Severity;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.prov.Provenance;
import org.botsec.core.rand.Randomness;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpSgdConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code botsec attack privacy-audit}: an empirical ε lower bound set beside the claimed ε. Either from a
 * membership attack on a trained model (Jagielski et al. 2020), or by auditing DP-SGD in one training run with
 * random canaries (Steinke, Nasr, Jagielski 2023). Exit 3 when the bound is above the claim.
 */
@Command(name = "privacy-audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Empirical ε lower bound (95% confidence) beside the claimed ε; exit 3 when the bound is above "
                + "the claim (the DP implementation or its accounting is wrong).",
                "Membership mode: --model --members --non-members. One-run mode (Steinke et al. 2023): --one-run "
                        + "--data with DP-SGD settings; canaries are included with probability 1/2 and DP-SGD runs once."},
        footer = {"", "Examples:",
                "  botsec attack privacy-audit --model dp.safetensors --members builtin:credit_g:train "
                        + "--non-members builtin:credit_g:test --json",
                "  botsec attack privacy-audit --one-run --data builtin:credit_g:train --canaries 200 --guesses 25 "
                        + "--noise-multiplier 1.0 --l2-norm-clip 1 --learning-rate 0.5 --batch-size 50 --epochs 5 "
                        + "--delta 1e-5 --json"})
public final class PrivacyAuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL", description = "Membership mode: the audited model file.")
    Path model;

    @Option(names = "--members", paramLabel = "DATA", description = "Membership mode: training members.")
    String members;

    @Option(names = "--non-members", paramLabel = "DATA", description = "Membership mode: records not trained on.")
    String nonMembers;

    @Option(names = "--method", defaultValue = "threshold", paramLabel = "threshold|shadow|lira", description = "Membership mode: the attack (default threshold).")
    String method;

    @Option(names = "--shadows", paramLabel = "N", description = "Membership mode, shadow or lira: shadow models (default 16).")
    Integer shadows;

    @Option(names = "--claimed-epsilon", paramLabel = "E", description = "The ε the model claims (default: read from the model's provenance).")
    Double claimedEpsilon;

    @Option(names = "--claimed-delta", paramLabel = "D", description = "The δ of the claim (default: from the provenance, else 1e-5).")
    Double claimedDelta;

    @Option(names = "--one-run", description = "One-run mode: train with DP-SGD once on --data plus random canaries and audit it.")
    boolean oneRun;

    @Option(names = "--data", paramLabel = "DATA", description = "One-run mode: training data; canaries are taken from its last rows.")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of CSV files.")
    String label;

    @Option(names = "--canaries", defaultValue = "200", paramLabel = "M", description = "One-run mode: canaries (mislabelled rows), default 200.")
    int canaries;

    @Option(names = "--guesses", defaultValue = "25", paramLabel = "K", description = "One-run mode: guess IN for the K highest and OUT for the K lowest canaries (default 25).")
    int guesses;

    @Option(names = "--model-type", defaultValue = "logreg", paramLabel = "logreg|mlp", description = "One-run mode: model trained (default logreg).")
    String modelType;

    @Option(names = "--hidden", split = ",", defaultValue = "64", paramLabel = "H", description = "One-run mode, mlp: hidden layer widths (default 64).")
    List<Integer> hidden;

    @Option(names = "--l2-norm-clip", defaultValue = "1.0", paramLabel = "C", description = "One-run mode: DP-SGD clipping norm.")
    double l2NormClip;

    @Option(names = "--noise-multiplier", paramLabel = "S", description = "One-run mode: DP-SGD noise multiplier σ (required).")
    Double noiseMultiplier;

    @Option(names = "--learning-rate", defaultValue = "0.5", paramLabel = "LR", description = "One-run mode: learning rate.")
    double learningRate;

    @Option(names = "--batch-size", defaultValue = "50", paramLabel = "B", description = "One-run mode: expected batch size (Poisson sampling).")
    int batchSize;

    @Option(names = "--epochs", defaultValue = "5", paramLabel = "E", description = "One-run mode: epochs.")
    double epochs;

    @Option(names = "--delta", paramLabel = "D", description = "One-run mode: δ of the DP-SGD guarantee and of the bound (default 1e-5).")
    Double delta;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the canary coin flips and shadow models (default: random, printed).")
    Long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document {\"attack\", \"metrics\", \"settings\", \"seed\", \"findings\"} (membership mode also \"model_queries\").")
    boolean json;

    @Override
    public Integer call() {
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        ClaimCheckOutcome outcome = oneRun ? oneRun(s) : membership(s);
        if (oneRun) {
            PrivacyAttackSupport.print(spec.commandLine().getOut(), json, outcome.report(), Map.of());
        } else {
            PrivacyAttackSupport.print(spec.commandLine().getOut(), json, outcome.report(), Map.of(), counter.counts());
        }
        Optional<ClaimCheck> check = outcome.check();
        if (check.isPresent() && check.get().violated()) {
            throw new ThresholdException(String.format(Locale.ROOT, "PRIVACY CLAIM VIOLATED: empirical ε lower bound "
                    + "%.4f is above the claimed ε %.4f (δ %s): the DP implementation or its accounting is wrong; "
                    + "report this as a bug", check.get().lowerBound(), check.get().claim().epsilon(),
                    check.get().delta()));
        }
        return 0;
    }

    /** Counts what membership mode asks of --model (one-run mode trains its own models and queries no file). */
    private final QueryCounter counter = new QueryCounter();

    private record ClaimCheckOutcome(AttackReport report, Optional<ClaimCheck> check) {
    }

    private ClaimCheckOutcome membership(long s) {
        if (model == null || members == null || nonMembers == null) {
            throw BadInputException.of("membership mode needs --model, --members and --non-members (or use --one-run)");
        }
        if (data != null || noiseMultiplier != null || delta != null) {
            throw BadInputException.of("--data, --noise-multiplier and --delta belong to --one-run mode");
        }
        Classifier raw = PrivacyAttackSupport.loadClassifier(model);
        Optional<PrivacyClaim> claim = claim(raw);
        Classifier target = counter.wrap(raw); // model_queries: what the membership attack asked of the model
        double d = claim.map(PrivacyClaim::delta).orElse(claimedDelta != null ? claimedDelta : 1e-5);
        MembershipMethod m = switch (method.toLowerCase(Locale.ROOT)) {
            case "threshold" -> MembershipMethod.THRESHOLD;
            case "shadow" -> MembershipMethod.SHADOW;
            case "lira" -> MembershipMethod.LIRA_ONLINE;
            default -> throw BadInputException.of("--method must be threshold, shadow or lira, got '%s'", method);
        };
        MembershipInference.Builder b = MembershipInference.builder(m).delta(d);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "shadows", !quiet);
        if (m != MembershipMethod.THRESHOLD) {
            if (shadows != null) {
                b.numShadows(shadows);
            }
            b.seed(s).progress((done, total) -> bar.update(done, total, "shadow " + done + "/" + total));
        } else if (shadows != null) {
            throw BadInputException.of("--shadows applies to --method shadow or lira only");
        }
        MembershipData md = MembershipData.forModel(target, PrivacyAttackSupport.loadData(members, label, "--members"),
                PrivacyAttackSupport.loadData(nonMembers, label, "--non-members"));
        MembershipResult r = b.build().run(target, md);
        bar.finish();
        Optional<ClaimCheck> check = claim.map(c -> new ClaimCheck(r.epsilonBound().epsilon(), d,
                r.epsilonBound().confidence(), c, "membership." + m.label()));
        AttackReport base = r.toReport();
        return new ClaimCheckOutcome(report("privacy_audit.membership", base, check, r.epsilonBound().epsilon(),
                r.epsilonBound().confidence()), check);
    }

    private Optional<PrivacyClaim> claim(Classifier target) {
        if (claimedEpsilon != null) {
            if (!(claimedEpsilon >= 0) || claimedEpsilon.isInfinite()) {
                throw BadInputException.of("--claimed-epsilon must be finite and >= 0, got %s", claimedEpsilon);
            }
            double d = claimedDelta != null ? claimedDelta : 1e-5;
            if (!(d >= 0 && d < 1)) {
                throw BadInputException.of("--claimed-delta must be in [0, 1), got %s", d);
            }
            return Optional.of(new PrivacyClaim(claimedEpsilon, d, "--claimed-epsilon"));
        }
        if (claimedDelta != null) {
            throw BadInputException.of("--claimed-delta needs --claimed-epsilon");
        }
        Optional<Provenance> p = target instanceof LinearModel lm ? lm.provenance()
                : target instanceof Mlp mlp ? mlp.provenance() : Optional.empty();
        // the typed guarantee's epsilon and delta are the composed total (DP-SGD and any DP preprocessing)
        return p.flatMap(Provenance::privacy).map(g -> new PrivacyClaim(g.epsilon(), g.delta(), "provenance"));
    }

    private ClaimCheckOutcome oneRun(long s) {
        if (model != null || members != null || nonMembers != null || claimedEpsilon != null) {
            throw BadInputException.of("--one-run trains its own model: --model, --members, --non-members and "
                    + "--claimed-epsilon do not apply (the claim is the accountant's ε)");
        }
        if (data == null) {
            throw BadInputException.of("--one-run needs --data");
        }
        if (noiseMultiplier == null) {
            throw BadInputException.of("--one-run needs --noise-multiplier");
        }
        double d = delta != null ? delta : 1e-5;
        Dataset all = PrivacyAttackSupport.loadData(data, label, "--data");
        if (canaries < 1 || canaries >= all.size()) {
            throw BadInputException.of("--canaries must be in [1, %d) for %s (%d rows), got %d", all.size(), data,
                    all.size(), canaries);
        }
        if (guesses < 1 || 2 * guesses > canaries) {
            throw BadInputException.of("--guesses must be in [1, canaries/2 = %d], got %d", canaries / 2, guesses);
        }
        // Canary rows chosen at random (seeded), so that they are not all of one class in sorted files.
        int[] perm = new int[all.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(s ^ 0x5DEECE66DL);
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        Dataset base = all.subset(java.util.Arrays.copyOfRange(perm, canaries, perm.length));
        Dataset canaryRows = OneRunAudit.mislabelledCanaries(all.subset(java.util.Arrays.copyOf(perm, canaries)), s);
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(l2NormClip).noiseMultiplier(noiseMultiplier)
                .learningRate(learningRate).batchSize(batchSize).epochs(epochs).delta(d).build();
        String type = modelType.toLowerCase(Locale.ROOT);
        if (!type.equals("logreg") && !type.equals("mlp")) {
            throw BadInputException.of("--model-type must be logreg or mlp, got '%s'", modelType);
        }
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "dp-sgd", !quiet);
        OneRunAudit.Result r = OneRunAudit.run(base, canaryRows, OneRunAudit.dpSgd(t -> type.equals("logreg")
                        ? LinearModel.zeros(t.featureNames(), t.classNames())
                        : Mlp.create(sizes(t), t.featureNames(), t.classNames(), Randomness.replayable(s)), config,
                new DpProgressListener() {
                    @Override
                    public void onStep(long step, long totalSteps) {
                        bar.update(step, totalSteps, "step " + step + "/" + totalSteps);
                    }
                }), guesses, guesses, d, 0.95, s);
        bar.finish();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("empirical_epsilon_lower_bound", r.epsilonLowerBound());
        r.claimCheck().ifPresent(c -> metrics.put("claimed_epsilon", c.claim().epsilon()));
        metrics.put("delta", d);
        metrics.put("canaries", (double) r.canaries());
        metrics.put("canaries_included", (double) r.included());
        metrics.put("guesses", (double) r.guesses());
        metrics.put("correct_guesses", (double) r.correct());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("mode", "one_run");
        settings.put("model_type", type);
        settings.put("l2_norm_clip", l2NormClip);
        settings.put("noise_multiplier", noiseMultiplier);
        settings.put("learning_rate", learningRate);
        settings.put("batch_size", batchSize);
        settings.put("epochs", epochs);
        settings.put("confidence", 0.95);
        settings.put("dp_noise", "secure");
        AttackReport rep = new AttackReport("privacy_audit.one_run", metrics, settings, OptionalLong.of(s),
                r.claimCheck().map(c -> List.of(c.finding())).orElse(List.of()));
        return new ClaimCheckOutcome(rep, r.claimCheck());
    }

    private int[] sizes(Dataset t) {
        int[] sz = new int[hidden.size() + 2];
        sz[0] = t.numFeatures();
        for (int i = 0; i < hidden.size(); i++) {
            if (hidden.get(i) < 1 || hidden.get(i) > 4096) {
                throw BadInputException.of("--hidden widths must be in [1, 4096], got %d", hidden.get(i));
            }
            sz[i + 1] = hidden.get(i);
        }
        sz[sz.length - 1] = t.numClasses();
        return sz;
    }

    private static AttackReport report(String attack, AttackReport membership, Optional<ClaimCheck> check,
                                       double bound, double confidence) {
        Map<String, Double> metrics = new LinkedHashMap<>(membership.metrics());
        check.ifPresent(c -> {
            metrics.put("claimed_epsilon", c.claim().epsilon());
            metrics.put("claimed_delta", c.claim().delta());
        });
        Map<String, Object> settings = new LinkedHashMap<>(membership.settings());
        check.ifPresent(c -> settings.put("claim_source", c.claim().source()));
        List<Finding> findings = new java.util.ArrayList<>(membership.findings());
        if (check.isPresent()) {
            findings.add(check.get().finding());
        } else {
            findings.add(Finding.builder("privacy.audit.no_claim", FindingKind.PRIVACY,
                            bound > 0 ? Severity.MEDIUM : Severity.INFO,
                            String.format(Locale.ROOT, "Empirical ε ≥ %.3f; the model states no privacy claim", bound))
                    .description("The model's provenance records no DP guarantee and no --claimed-epsilon was given; "
                            + "the bound says how much training leaks at least.")
                    .evidence("empirical_epsilon_lower_bound", bound)
                    .evidence("confidence", confidence)
                    .source("privacy-audit")
                    .build());
        }
        return new AttackReport(attack, metrics, settings, membership.seed(), findings);
    }
}
