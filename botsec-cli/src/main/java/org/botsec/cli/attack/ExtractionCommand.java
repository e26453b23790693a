package org.botsec.cli.attack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.attack.AttackReport;
import org.botsec.attack.QueryCounter;
import org.botsec.attack.inference.ModelExtraction;
import org.botsec.attack.inference.ShadowTrainer;
import org.botsec.attack.inference.ShadowTrainers;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec attack extraction}: train a surrogate from the model's answers; fidelity and accuracy per budget. */
@Command(name = "extraction", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Model extraction (Tramèr et al. 2016): a surrogate trained on the model's answers to "
                + "--budgets queries; fidelity (agreement with the model) and accuracy on --test.",
        footer = {"", "Example:", "  botsec attack extraction --model m.safetensors --queries builtin:digits8x8:train "
                + "--test builtin:digits8x8:test --budgets 10,100,1000 --json"})
public final class ExtractionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--queries", required = true, paramLabel = "DATA", description = "Attacker inputs (labels ignored): CSV or builtin:NAME[:split].")
    String queries;

    @Option(names = "--test", required = true, paramLabel = "DATA", description = "Held-out inputs with true labels.")
    String test;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of CSV files.")
    String label;

    @Option(names = "--budgets", required = true, split = ",", paramLabel = "N", description = "Query budgets, e.g. 10,100,1000.")
    List<Integer> budgets;

    @Option(names = "--query-source", defaultValue = "pool", paramLabel = "pool|uniform", description = "pool: rows of --queries (default); uniform: random in their bounding box.")
    String querySource;

    @Option(names = "--surrogate", defaultValue = "like", paramLabel = "like|logreg", description = "like: the model's own kind (default); logreg: logistic regression.")
    String surrogate;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--max-fidelity", paramLabel = "F", description = "CI gate: exit 3 when the fidelity at the largest budget is above F.")
    Double maxFidelity;

    @Option(names = "--json", description = "Print one JSON document {\"attack\", \"metrics\", \"settings\", \"seed\", \"findings\", \"curve\", \"model_queries\"}.")
    boolean json;

    @Override
    public Integer call() {
        ModelExtraction.QuerySource src = switch (querySource.toLowerCase(Locale.ROOT)) {
            case "pool" -> ModelExtraction.QuerySource.POOL;
            case "uniform" -> ModelExtraction.QuerySource.UNIFORM;
            default -> throw BadInputException.of("--query-source must be pool or uniform, got '%s'", querySource);
        };
        for (int b : budgets) {
            if (b < 1) {
                throw BadInputException.of("--budgets: a query budget must be >= 1, got %d", b);
            }
        }
        if (maxFidelity != null && !(maxFidelity >= 0 && maxFidelity <= 1)) {
            throw BadInputException.of("--max-fidelity must be in [0, 1], got %s", maxFidelity);
        }
        QueryCounter counter = new QueryCounter();
        Classifier victim = counter.wrap(PrivacyAttackSupport.loadClassifier(model));
        ShadowTrainer trainer = switch (surrogate.toLowerCase(Locale.ROOT)) {
            case "like" -> ShadowTrainers.like(victim);
            case "logreg" -> ShadowTrainers.logisticRegression(1.0, true);
            default -> throw BadInputException.of("--surrogate must be like or logreg, got '%s'", surrogate);
        };
        Dataset q = PrivacyAttackSupport.loadData(queries, label, "--queries");
        Dataset t = PrivacyAttackSupport.loadData(test, label, "--test");
        Dataset tAligned = org.botsec.attack.inference.MembershipData.alignToModel(victim, t, "--test");
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        int[] b = budgets.stream().mapToInt(Integer::intValue).toArray();
        ModelExtraction.Result r = ModelExtraction.run(victim, q.x(), tAligned, b, src, trainer, s);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("query_source", src.name().toLowerCase(Locale.ROOT));
        settings.put("surrogate", surrogate.toLowerCase(Locale.ROOT));
        settings.put("budgets", budgets);
        AttackReport rep = r.toReport(settings);
        List<Map<String, Object>> curve = new ArrayList<>();
        for (ModelExtraction.Point p : r.points()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("budget", p.budget());
            m.put("fidelity", p.fidelity());
            m.put("accuracy", p.accuracy());
            curve.add(m);
        }
        PrivacyAttackSupport.print(spec.commandLine().getOut(), json, rep, Map.of("curve", curve), counter.counts());
        double fidelity = r.points().get(r.points().size() - 1).fidelity();
        if (maxFidelity != null && fidelity > maxFidelity) {
            throw new ThresholdException(String.format(Locale.ROOT, "extraction fidelity %.4f is above --max-fidelity %s",
                    fidelity, maxFidelity));
        }
        return 0;
    }
}
