package org.botsec.cli.fl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Optional;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.federated.Aggregator;
import org.botsec.federated.DpFedAvg;
import org.botsec.federated.SecureAggregation;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.federated.Federation;
import org.botsec.federated.FederationResult;
import org.botsec.federated.Malicious;
import org.botsec.federated.Partition;
import org.botsec.federated.RoundResult;
import org.botsec.federated.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec fl simulate}: federated training with virtual clients in this process. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model with N simulated clients: the training split is partitioned among them, each "
                + "round a fraction trains locally (SGD) and the server aggregates their updates. Prints test "
                + "accuracy per round and writes the model with provenance. Deterministic given --seed."},
        footer = {"", "Examples:",
                "  botsec fl simulate --data builtin:mnist10k --model mlp --clients 100 --rounds 20 \\",
                "               --partition shards:2 --fraction-fit 0.1 --out fl.safetensors",
                "  botsec fl simulate --data builtin:digits8x8 --model softmax --clients 20 --rounds 10 \\",
                "               --aggregator median --malicious 0.2:sign-flip --out robust.safetensors",
                "  botsec fl simulate --data builtin:digits8x8 --model softmax --clients 100 --rounds 15 \\",
                "               --fraction-fit 0.3 --learning-rate 0.3 --dp-clip 1.0 --dp-noise-multiplier 0.5 \\",
                "               --delta 1e-5 --adaptive-clip-quantile 0.5 --out dp-fl.safetensors",
                "  botsec fl simulate --data builtin:digits8x8 --model softmax --clients 50 --rounds 5 \\",
                "               --secure-aggregation --secagg-dropout 0.1 --out secagg.safetensors"})
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "builtin:NAME (its fixed train/test split) or a CSV file (stratified 80/20 with --seed).")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file.")
    String label;

    @Option(names = "--model", required = true, paramLabel = "logreg|softmax|mlp", description = "Model family.")
    String model;

    @Option(names = "--hidden", paramLabel = "N,N...", description = "mlp hidden widths (default 128).")
    String hidden;

    @Option(names = "--clients", required = true, paramLabel = "N", description = "Number of virtual clients.")
    int clients;

    @Option(names = "--rounds", required = true, paramLabel = "R", description = "Communication rounds.")
    int rounds;

    @Option(names = "--strategy", defaultValue = "fedavg", paramLabel = "fedavg|fedprox|fedadam|fedyogi",
            description = "Server strategy (default fedavg; fedprox: mu 0.01; fedadam/fedyogi: server lr 0.01, "
                    + "beta1 0.9, beta2 0.99, tau 1e-3).")
    String strategy;

    @Option(names = "--proximal-mu", paramLabel = "MU",
            description = "fedprox: proximal weight mu > 0 (default 0.01).")
    Double proximalMu;

    @Option(names = "--partition", defaultValue = "iid", paramLabel = "iid|dirichlet:A|shards:K",
            description = "How rows are split among clients (default iid).")
    String partition;

    @Option(names = "--fraction-fit", defaultValue = "1.0", paramLabel = "F",
            description = "Fraction of clients per round, in (0, 1] (default 1).")
    double fractionFit;

    @Option(names = "--aggregator", defaultValue = "fedavg",
            paramLabel = "fedavg|krum|multi-krum:M|median|trimmed-mean:B|norm-bound:C",
            description = "How updates are combined (default fedavg: example-weighted mean).")
    String aggregator;

    @Option(names = "--assumed-attackers", defaultValue = "1", paramLabel = "F",
            description = "Krum/Multi-Krum: attackers assumed per round (default 1).")
    int assumedAttackers;

    @Option(names = "--malicious", paramLabel = "F:sign-flip|F:scale:K|F:backdoor[:K]",
            description = "Simulate a fraction F of malicious clients sending -delta, K*delta, or a backdoor (model "
                    + "replacement: half their rows get a corner trigger and label 0, the delta is boosted by clients "
                    + "per round / attackers per round, or by K); backdoor success is reported.")
    String malicious;

    @Option(names = "--local-epochs", defaultValue = "1", paramLabel = "E", description = "Local epochs (default 1).")
    int localEpochs;

    @Option(names = "--batch-size", defaultValue = "10", paramLabel = "B", description = "Local batch size (default 10).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.05", paramLabel = "LR",
            description = "Local SGD learning rate (default 0.05).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of split, partition, sampling, attackers and initial weights (default 42).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: processors, at most 8; "
            + "results do not depend on it).")
    Integer threads;

    @Option(names = "--secure-aggregation", description = "Secure aggregation (Bonawitz et al. 2017 with the SecAgg+ "
            + "neighbourhood): the coordinator sees only masked updates and their sum; fixed point with 32 fractional "
            + "bits (mean error <= 2^-33). Needs --aggregator fedavg or norm-bound:C.")
    boolean secureAggregation;

    @Option(names = "--secagg-neighbours", paramLabel = "K",
            description = "Secure aggregation: neighbours per client (default: the smallest even K >= 2*ceil(log2 n) "
                    + "whose round fails with probability <= 1e-6 at the dropout rate; threshold K/2+1).")
    Integer secAggNeighbours;

    @Option(names = "--secagg-dropout", paramLabel = "RATE",
            description = "Secure aggregation: simulate this fraction of clients dropping after the key exchange.")
    Double secAggDropout;

    @Option(names = "--dp-clip", paramLabel = "C",
            description = "DP-FedAvg (client-level DP): clip each client's update to L2 norm C (the initial C with "
                    + "--adaptive-clip-quantile). Clients are then Poisson-sampled with rate --fraction-fit.")
    Double dpClip;

    @Option(names = "--dp-noise-multiplier", paramLabel = "S",
            description = "DP-FedAvg: noise multiplier z (noise std z*C on the clipped sum).")
    Double dpNoiseMultiplier;

    @Option(names = "--delta", paramLabel = "D", description = "DP-FedAvg: delta of the client-level (epsilon, delta).")
    Double delta;

    @Option(names = "--adaptive-clip-quantile", paramLabel = "Q",
            description = "DP-FedAvg: adapt C towards the Q-quantile of update norms (Andrew et al. 2021; clip "
                    + "learning rate 0.2, count noise = expected clients / 20, included in epsilon).")
    Double adaptiveClipQuantile;

    @Option(names = "--accountant", paramLabel = "rdp|pld", description = "DP-FedAvg: accountant (default rdp).")
    String accountant;

    @Option(names = "--insecure-seed", paramLabel = "S", description = "DP-FedAvg: INSECURE replayable noise and "
            + "client sampling from seed S (for experiments; the model is then marked not private).")
    Long insecureSeed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model.")
    Path out;

    @Option(names = "--json", description = "Print one JSON document: rounds and final metrics.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar on stderr.")
    boolean quiet;

    /** One round in the JSON document ({@code l2_norm_clip} with DP-FedAvg only). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Round(int round, double accuracy, double loss, int clients, int excluded, int dropped,
                        Double l2NormClip) {
    }

    /** The JSON document ({@code privacy}: the client-level guarantee, with DP-FedAvg only). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(List<Round> rounds, Map<String, Object> metrics, String strategy, String aggregator,
                         String partition, int clients, int clientsPerRound, long seed, String out, Object privacy) {
    }

    @Override
    public Integer call() {
        if (!secureAggregation && (secAggNeighbours != null || secAggDropout != null)) {
            throw new BadInputException("--secagg-neighbours and --secagg-dropout apply to --secure-aggregation");
        }
        Optional<DpFedAvg> dp = dp();
        if (clients < 1) {
            throw BadInputException.of("--clients must be >= 1, got %d", clients);
        }
        if (rounds < 1) {
            throw BadInputException.of("--rounds must be >= 1, got %d", rounds);
        }
        if (!(fractionFit > 0 && fractionFit <= 1)) {
            throw BadInputException.of("--fraction-fit must be in (0, 1], got %s", fractionFit);
        }
        Strategy s = Strategy.parse(strategy);
        if (proximalMu != null) {
            if (!(s instanceof Strategy.FedProx)) {
                throw BadInputException.of("--proximal-mu applies to --strategy fedprox, not %s", s.name());
            }
            s = new Strategy.FedProx(proximalMu);
        }
        Partition p = Partition.parse(partition);
        Aggregator a = Aggregator.parse(aggregator, assumedAttackers);
        Malicious m = malicious == null ? null : Malicious.parse(malicious);
        String kind = model.toLowerCase(Locale.ROOT);
        if (!List.of("logreg", "softmax", "mlp").contains(kind)) {
            throw BadInputException.of("--model must be logreg, softmax or mlp, got '%s'", model);
        }
        if (hidden != null && !kind.equals("mlp")) {
            throw BadInputException.of("--hidden applies to --model mlp, not %s", kind);
        }
        SafeFiles.checkOutputFile(out, "--out");
        Dataset[] split = load();
        Dataset train = split[0];
        Dataset test = split[1];
        Model init = kind.equals("mlp")
                ? Mlp.create(layers(train), train.featureNames(), train.classNames(), Randomness.replayable(seed))
                : LinearModel.zeros(train.featureNames(), train.classNames());
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, "fl-simulate", !quiet);
        Federation.Builder fb = Federation.builder().trainData(train).testData(test).initialModel(init)
                .clients(clients).rounds(rounds).fractionFit(fractionFit).strategy(s).aggregator(a).partition(p)
                .localEpochs(localEpochs).batchSize(batchSize).learningRate(learningRate).seed(seed)
                .listener((r, total) -> bar.update(r.round(), total,
                        String.format(Locale.ROOT, "accuracy %.4f", r.accuracy())));
        if (m != null) {
            fb.malicious(m);
        }
        if (threads != null) {
            fb.threads(threads);
        }
        dp.ifPresent(fb::dp);
        if (secureAggregation) {
            fb.secureAggregation(new SecureAggregation(secAggNeighbours(secAggNeighbours),
                    SecureAggregation.DEFAULT_FRACTIONAL_BITS, secAggDropout == null ? 0 : secAggDropout));
        }
        Federation federation = fb.build();
        FederationResult r = federation.run();
        bar.finish();
        ModelFiles.save(r.model(), out);
        List<Round> rs = r.rounds().stream()
                .map(x -> new Round(x.round(), x.accuracy(), x.loss(), x.clients(), x.excluded(), x.dropped(),
                        x.l2NormClip().isPresent() ? x.l2NormClip().getAsDouble() : null)).toList();
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        metrics.put("accuracy", r.metrics().accuracy());
        metrics.put("loss", r.metrics().logLoss());
        metrics.put("macro_f1", r.metrics().macroF1());
        metrics.put("test_size", r.metrics().size());
        r.backdoorSuccess().ifPresent(v -> metrics.put("backdoor_success", v));
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, new Result(rs, metrics, s.name(), a.spec(), p.spec(), clients,
                    federation.clientsPerRound(), seed, out.toString(),
                    r.privacy().map(PrivacyGuarantee::toJson).orElse(null)));
        } else {
            w.printf(Locale.ROOT, "simulated %s with %d clients (%d per round), %s partition, %s aggregator, seed %d%n",
                    s.name(), clients, federation.clientsPerRound(), p.spec(), a.spec(), seed);
            w.println("round  accuracy  loss      excluded  dropped");
            for (RoundResult x : r.rounds()) {
                w.printf(Locale.ROOT, "%5d  %.4f    %.4f    %-8d  %d%n", x.round(), x.accuracy(), x.loss(),
                        x.excluded(), x.dropped());
            }
            w.printf(Locale.ROOT, "final test accuracy %.4f (%d rows)%n", r.metrics().accuracy(), r.metrics().size());
            r.backdoorSuccess().ifPresent(v -> w.printf(Locale.ROOT, "backdoor success %.4f (triggered test rows "
                    + "outside class 0 that the model puts in class 0)%n", v));
            r.privacy().ifPresent(g -> printClientDp(w, g));
            w.printf("wrote %s%n", out);
            w.flush();
        }
        return ExitCode.OK;
    }

    /**
     * {@code --secagg-neighbours} as {@link SecureAggregation} takes it: absent → 0 (its "sized by default"); a given
     * K must be ≥ 1, since 0 would silently mean the default rather than no neighbours.
     */
    static int secAggNeighbours(Integer k) {
        if (k != null && k < 1) {
            throw BadInputException.of("--secagg-neighbours must be >= 1, got %d", k);
        }
        return k == null ? 0 : k;
    }

    /** The text-mode line of a client-level guarantee (fl simulate and fl server print the same). */
    static void printClientDp(PrintWriter w, PrivacyGuarantee g) {
        w.printf(Locale.ROOT, "client-level DP: epsilon %.4f at delta %s (%s accountant, %d rounds, client "
                + "sampling rate %s, noise multiplier %s)%n", g.epsilon(), g.delta(), g.accountant().label(),
                g.steps(), g.sampleRate(), g.noiseMultiplier());
        if (!g.noise().secure()) {
            w.println("WARNING: the DP noise was seeded with --insecure-seed: the model is NOT private");
        }
    }

    private Optional<DpFedAvg> dp() {
        return dpFedAvg(dpClip, dpNoiseMultiplier, delta, adaptiveClipQuantile, accountant, insecureSeed);
    }

    /** DP-FedAvg from the --dp-* options (shared with fl server); empty when none is given. */
    static Optional<DpFedAvg> dpFedAvg(Double dpClip, Double dpNoiseMultiplier, Double delta,
                                       Double adaptiveClipQuantile, String accountant, Long insecureSeed) {
        boolean any = dpClip != null || dpNoiseMultiplier != null || delta != null;
        if (!any) {
            for (Object o : new Object[] {adaptiveClipQuantile, accountant, insecureSeed}) {
                if (o != null) {
                    throw new BadInputException("--adaptive-clip-quantile, --accountant and --insecure-seed apply to "
                            + "DP-FedAvg: give --dp-clip, --dp-noise-multiplier and --delta");
                }
            }
            return Optional.empty();
        }
        if (dpClip == null || dpNoiseMultiplier == null || delta == null) {
            throw BadInputException.of("DP-FedAvg needs all of --dp-clip, --dp-noise-multiplier and --delta; got "
                    + "--dp-clip %s, --dp-noise-multiplier %s, --delta %s", dpClip, dpNoiseMultiplier, delta);
        }
        DpFedAvg.Builder b = DpFedAvg.builder().l2NormClip(dpClip).noiseMultiplier(dpNoiseMultiplier).delta(delta);
        if (adaptiveClipQuantile != null) {
            b.adaptiveClipping(DpFedAvg.AdaptiveClipping.quantile(adaptiveClipQuantile));
        }
        if (accountant != null) {
            b.accountant(AccountantType.parse(accountant));
        }
        if (insecureSeed != null) {
            b.insecureSeed(insecureSeed);
        }
        return Optional.of(b.build());
    }

    private int[] layers(Dataset train) {
        int[] h = hidden == null ? new int[] {128} : org.botsec.cli.core.TrainCommand.parseHidden(hidden);
        int[] sizes = new int[h.length + 2];
        sizes[0] = train.numFeatures();
        System.arraycopy(h, 0, sizes, 1, h.length);
        sizes[sizes.length - 1] = train.numClasses();
        return sizes;
    }

    private Dataset[] load() {
        if (DataSources.isBuiltin(data)) {
            DataSources.BuiltinSpec b = DataSources.parseBuiltin(data);
            if (data.indexOf(':', DataSources.BUILTIN.length()) >= 0) {
                throw BadInputException.of("--data takes builtin:NAME (its fixed train/test split is used), got %s",
                        data);
            }
            if (Builtins.isText(b.name())) {
                throw BadInputException.of("%s is a text data set; fl simulate trains numeric models", data);
            }
            return new Dataset[] {Builtins.load(b.name(), Split.TRAIN), Builtins.load(b.name(), Split.TEST)};
        }
        Dataset all = DataSources.loadNumeric(data, label);
        int[][] parts = Splits.stratified(all.y(), 0.2, seed);
        return new Dataset[] {all.subset(parts[0]), all.subset(parts[1])};
    }
}
