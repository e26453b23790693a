package org.botsec.cli.attack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.attack.AttackReport;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.inference.MembershipData;
import org.botsec.attack.inference.MembershipInference;
import org.botsec.attack.inference.MembershipMethod;
import org.botsec.attack.inference.MembershipResult;
import org.botsec.attack.inference.MembershipSignal;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec attack membership}: can an attacker tell training members from other records? */
@Command(name = "membership", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Membership inference: AUC, TPR at 1% and 0.1% FPR and an empirical ε lower bound "
                + "(Clopper–Pearson, 95%) from known members and non-members of the model's training set.",
        footer = {"", "Example:", "  botsec attack membership --model m.safetensors --members builtin:credit_g:train "
                + "--non-members builtin:credit_g:test --method lira --shadows 16 --max-auc 0.6 --json"})
public final class MembershipCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--members", required = true, paramLabel = "DATA", description = "Training members: CSV or builtin:NAME[:split].")
    String members;

    @Option(names = "--non-members", required = true, paramLabel = "DATA", description = "Records not trained on: CSV or builtin:NAME[:split].")
    String nonMembers;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of CSV files.")
    String label;

    @Option(names = "--method", defaultValue = "threshold", paramLabel = "threshold|shadow|lira",
            description = "threshold (Yeom et al. 2018, default), shadow (Shokri et al. 2017) or lira (Carlini et al. 2022).")
    String method;

    @Option(names = "--offline", description = "LiRA: offline variant (OUT shadows only).")
    boolean offline;

    @Option(names = "--signal", defaultValue = "loss", paramLabel = "loss|confidence", description = "Threshold attack: the loss (default) or the top confidence.")
    String signal;

    @Option(names = "--shadows", paramLabel = "N", description = "Shadow models (even; default 16).")
    Integer shadows;

    @Option(names = "--population", paramLabel = "DATA", description = "Extra attacker data for shadow training.")
    String population;

    @Option(names = "--delta", defaultValue = "1e-5", paramLabel = "D", description = "δ of the empirical ε bound (default 1e-5).")
    double delta;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for shadow models (default: random, printed).")
    Long seed;

    @Option(names = "--max-auc", paramLabel = "A", description = "CI gate: exit 3 when the AUC is above A.")
    Double maxAuc;

    @Option(names = "--max-epsilon-lower-bound", paramLabel = "E", description = "CI gate: exit 3 when the empirical ε lower bound is above E.")
    Double maxEpsilon;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document {\"attack\", \"metrics\", \"settings\", \"seed\", \"findings\", \"model_queries\"}.")
    boolean json;

    @Override
    public Integer call() {
        MembershipMethod m = switch (method.toLowerCase(Locale.ROOT)) {
            case "threshold" -> MembershipMethod.THRESHOLD;
            case "shadow" -> MembershipMethod.SHADOW;
            case "lira" -> offline ? MembershipMethod.LIRA_OFFLINE : MembershipMethod.LIRA_ONLINE;
            default -> throw BadInputException.of("--method must be threshold, shadow or lira, got '%s'", method);
        };
        if (offline && m != MembershipMethod.LIRA_OFFLINE) {
            throw BadInputException.of("--offline applies to --method lira only");
        }
        if (m == MembershipMethod.THRESHOLD && (shadows != null || population != null)) {
            throw BadInputException.of("--shadows and --population apply to --method shadow or lira only");
        }
        if (maxAuc != null && !(maxAuc >= 0 && maxAuc <= 1)) {
            throw BadInputException.of("--max-auc must be in [0, 1], got %s", maxAuc);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw BadInputException.of("--delta must be in [0, 1), got %s", delta);
        }
        QueryCounter counter = new QueryCounter();
        Classifier target = counter.wrap(PrivacyAttackSupport.loadClassifier(model));
        Dataset mem = PrivacyAttackSupport.loadData(members, label, "--members");
        Dataset non = PrivacyAttackSupport.loadData(nonMembers, label, "--non-members");
        MembershipData data = MembershipData.forModel(target, mem, non);
        MembershipInference.Builder b = MembershipInference.builder(m).delta(delta);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "shadows", !quiet);
        if (m == MembershipMethod.THRESHOLD) {
            b.signal(switch (signal.toLowerCase(Locale.ROOT)) {
                case "loss" -> MembershipSignal.LOSS;
                case "confidence" -> MembershipSignal.MAX_CONFIDENCE;
                default -> throw BadInputException.of("--signal must be loss or confidence, got '%s'", signal);
            });
        } else {
            if (!"loss".equalsIgnoreCase(signal)) {
                throw BadInputException.of("--signal applies to --method threshold only");
            }
            if (shadows != null) {
                b.numShadows(shadows);
            }
            if (population != null) {
                b.population(PrivacyAttackSupport.loadData(population, label, "--population"));
            }
            b.seed(seed != null ? seed : new java.security.SecureRandom().nextLong());
            b.progress((done, total) -> bar.update(done, total, "shadow " + done + "/" + total));
        }
        MembershipResult result = b.build().run(target, data);
        bar.finish();
        AttackReport report = result.toReport();
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Object> roc = new LinkedHashMap<>();
        roc.put("fpr", result.roc().falsePositiveRates());
        roc.put("tpr", result.roc().truePositiveRates());
        extra.put("roc", roc);
        PrivacyAttackSupport.print(spec.commandLine().getOut(), json, report, extra, counter.counts());
        if (maxAuc != null && result.auc() > maxAuc) {
            throw new ThresholdException(String.format(Locale.ROOT,
                    "membership AUC %.4f is above --max-auc %s", result.auc(), maxAuc));
        }
        if (maxEpsilon != null && result.epsilonBound().epsilon() > maxEpsilon) {
            throw new ThresholdException(String.format(Locale.ROOT,
                    "empirical ε lower bound %.4f is above --max-epsilon-lower-bound %s",
                    result.epsilonBound().epsilon(), maxEpsilon));
        }
        return 0;
    }
}
