package org.botsec.cli.fl;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.federated.DpFedAvg;
import org.botsec.federated.SecureAggregation;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Aggregator;
import org.botsec.federated.Strategy;
import org.botsec.federated.net.FlServer;
import org.botsec.federated.net.NetRound;
import org.botsec.federated.net.RevocationList;
import org.botsec.federated.net.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec fl server}: the coordinator of a federation over gRPC with mutual TLS. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Coordinate federated training over the network: clients (botsec fl client) connect over "
                + "gRPC with mutual TLS, train the global model on their own rows each round and send their updates; "
                + "this process aggregates them (the strategies and aggregators of fl simulate). A round completes "
                + "with the clients that answered when they are at least --min-clients; otherwise it is retried, "
                + "then the run aborts (exit 2). Bad updates (wrong shape, NaN) are excluded and logged. With "
                + "--checkpoint the state is saved after every round and a restarted server resumes from it."},
        footer = {"", "Examples:",
                "  botsec fl server --certs fl-certs --test-data builtin:digits8x8:test --model softmax \\",
                "               --clients 3 --rounds 5 --min-clients 2 --checkpoint fl-ckpt --out fl-net.safetensors",
                "  botsec fl server --certs fl-certs --revoked revoked.txt --host 0.0.0.0 --port 9443 \\",
                "               --test-data builtin:mnist10k:test --model mlp --clients 10 --rounds 20 \\",
                "               --aggregator trimmed-mean:0.2 --round-timeout 120 --out fl-mlp.safetensors",
                "  botsec fl server --certs fl-certs --test-data builtin:digits8x8:test --model softmax \\",
                "               --clients 10 --rounds 5 --fraction-fit 0.3 --min-fit-clients 2 --out fl-sampled.safetensors",
                "  botsec fl server --certs fl-certs --test-data builtin:digits8x8:test --model softmax \\",
                "               --clients 10 --rounds 5 --fraction-fit 0.5 --dp-clip 1.0 --dp-noise-multiplier 1.0 \\",
                "               --delta 1e-5 --out fl-dp.safetensors",
                "  botsec fl server --certs fl-certs --test-data builtin:digits8x8:test --model softmax \\",
                "               --clients 3 --rounds 5 --secure-aggregation --out fl-secagg.safetensors"})
public final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--certs", paramLabel = "DIR",
            description = "Folder written by fl certs: uses DIR/server.pem, DIR/server.key and DIR/ca.pem.")
    Path certs;

    @Option(names = "--cert", paramLabel = "PEM", description = "Server certificate (instead of --certs).")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "Server private key, PKCS#8 (instead of --certs).")
    Path key;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate clients must chain to (instead of "
            + "--certs).")
    Path ca;

    @Option(names = "--revoked", paramLabel = "FILE", description = "Revocation list: lines serial:HEX or "
            + "sha256:HEX; re-read when it changes.")
    Path revoked;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for other machines).")
    String host;

    @Option(names = "--port", defaultValue = "8443", paramLabel = "P", description = "Port (default 8443).")
    int port;

    @Option(names = "--model", paramLabel = "logreg|softmax|mlp", description = "Model family of a new run "
            + "(shape from --test-data; mlp weights from --seed).")
    String model;

    @Option(names = "--hidden", paramLabel = "N,N...", description = "mlp hidden widths (default 128).")
    String hidden;

    @Option(names = "--initial-model", paramLabel = "FILE", description = "Start from this model file instead.")
    Path initialModel;

    @Option(names = "--test-data", paramLabel = "DATA", description = "Held-out rows to measure each round on: "
            + "builtin:NAME:test or a CSV file (with --label).")
    String testData;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV --test-data.")
    String label;

    @Option(names = "--clients", required = true, paramLabel = "N", description = "Client slots: how many may join.")
    int clients;

    @Option(names = "--min-clients", paramLabel = "M", description = "Valid updates a round needs (default N).")
    Integer minClients;

    @Option(names = "--rounds", required = true, paramLabel = "R", description = "Communication rounds.")
    int rounds;

    @Option(names = "--fraction-fit", defaultValue = "1.0", paramLabel = "F", description = "Fraction of the "
            + "connected clients that train each round, in (0, 1] (default 1: all); the sample is drawn as in fl "
            + "simulate, from SecureRandom unless --sampling-seed is given.")
    double fractionFit;

    @Option(names = "--min-fit-clients", paramLabel = "K", description = "With --fraction-fit: at least K clients "
            + "train each round and a round needs K valid updates (default 1, or --min-clients with fraction 1).")
    Integer minFitClients;

    @Option(names = "--sampling-seed", paramLabel = "S", description = "Draw each round's clients replayably, as fl "
            + "simulate --seed S does (default: SecureRandom).")
    Long samplingSeed;

    @Option(names = "--secure-aggregation", description = "Secure aggregation (Bonawitz et al. 2017 with the SecAgg+ "
            + "neighbourhood): clients send only masked updates, this server learns their sum; needs --aggregator "
            + "fedavg. Fixed point with 32 fractional bits.")
    boolean secureAggregation;

    @Option(names = "--secagg-neighbours", paramLabel = "K",
            description = "Secure aggregation: neighbours per client (default: sized for a round failure <= 1e-6).")
    Integer secAggNeighbours;

    @Option(names = {"--dp-clip", "--clip-norm"}, paramLabel = "C",
            description = "DP-FedAvg (client-level DP, as fl simulate): the coordinator clips each update to L2 norm C "
                    + "and adds Gaussian noise; client slots are Poisson-sampled with rate --fraction-fit.")
    Double dpClip;

    @Option(names = "--dp-noise-multiplier", paramLabel = "S",
            description = "DP-FedAvg: noise multiplier z (noise std z*C on the clipped sum).")
    Double dpNoiseMultiplier;

    @Option(names = "--delta", paramLabel = "D", description = "DP-FedAvg: delta of the client-level (epsilon, delta).")
    Double delta;

    @Option(names = "--adaptive-clip-quantile", paramLabel = "Q",
            description = "DP-FedAvg: adapt C towards the Q-quantile of update norms (Andrew et al. 2021).")
    Double adaptiveClipQuantile;

    @Option(names = "--accountant", paramLabel = "rdp|pld", description = "DP-FedAvg: accountant (default rdp).")
    String accountant;

    @Option(names = "--insecure-seed", paramLabel = "S", description = "DP-FedAvg: INSECURE replayable noise and "
            + "client sampling from seed S, as fl simulate (the model is then marked not private).")
    Long insecureSeed;

    @Option(names = "--strategy", defaultValue = "fedavg", paramLabel = "fedavg|fedprox|fedadam|fedyogi",
            description = "Server strategy (default fedavg).")
    String strategy;

    @Option(names = "--aggregator", defaultValue = "fedavg",
            paramLabel = "fedavg|krum|multi-krum:M|median|trimmed-mean:B|norm-bound:C",
            description = "How updates are combined (default fedavg).")
    String aggregator;

    @Option(names = "--assumed-attackers", defaultValue = "1", paramLabel = "F",
            description = "Krum/Multi-Krum: attackers assumed per round (default 1).")
    int assumedAttackers;

    @Option(names = "--local-epochs", defaultValue = "1", paramLabel = "E", description = "Local epochs (default 1).")
    int localEpochs;

    @Option(names = "--batch-size", defaultValue = "10", paramLabel = "B", description = "Local batch size (default 10).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.05", paramLabel = "LR",
            description = "Local SGD learning rate (default 0.05).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the initial mlp weights and the clients' shuffling, as in fl simulate (default 42).")
    long seed;

    @Option(names = "--round-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long a round waits for updates (default 60).")
    long roundTimeout;

    @Option(names = "--join-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long a round waits for --min-clients to be connected (default 120).")
    long joinTimeout;

    @Option(names = "--gather-time", defaultValue = "5", paramLabel = "SECONDS",
            description = "With at least --min-clients connected, how long to wait for the others (default 5).")
    long gatherTime;

    @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "K",
            description = "Tries per round before aborting (default 3).")
    int maxAttempts;

    @Option(names = "--max-message-bytes", paramLabel = "BYTES",
            description = "Largest message accepted (default: one update of the model + 64 KiB).")
    Integer maxMessageBytes;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Write a checkpoint here after every round "
            + "and resume from one found here (folder must exist).")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the final model.")
    Path out;

    @Option(names = "--json", description = "Print one JSON document at the end: rounds and settings.")
    boolean json;

    /** One round in the JSON document. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Round(int round, int attempts, int selected, int valid, int excluded, int dropped, Double accuracy,
                        Double loss, double seconds) {
    }

    /** The JSON document. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(List<Round> rounds, String strategy, String aggregator, int clients, int minClients,
                         double fractionFit, String clientSampling, long seed, int resumedAfterRound, String out,
                         Object privacy) {
    }

    @Override
    public Integer call() {
        TlsFiles tls = tls();
        SafeFiles.checkOutputFile(out, "--out");
        Strategy s = Strategy.parse(strategy);
        Aggregator a = Aggregator.parse(aggregator, assumedAttackers);
        Dataset test = testData == null ? null : DataSources.loadNumeric(testData, label);
        Model init = initialModel(test);
        FlServer.Builder b = FlServer.builder().initialModel(init).tls(tls).host(host).port(port).clients(clients)
                .rounds(rounds).strategy(s).aggregator(a).localEpochs(localEpochs).batchSize(batchSize)
                .learningRate(learningRate).seed(seed).roundTimeout(seconds(roundTimeout, "--round-timeout"))
                .joinTimeout(seconds(joinTimeout, "--join-timeout")).maxAttempts(maxAttempts)
                .gatherTime(Duration.ofSeconds(Math.max(0, gatherTime)));
        if (minClients != null) {
            b.minClients(minClients);
        }
        if (!(fractionFit > 0 && fractionFit <= 1)) {
            throw BadInputException.of("--fraction-fit must be in (0, 1], got %s", fractionFit);
        }
        b.fractionFit(fractionFit);
        if (minFitClients != null) {
            if (minFitClients < 1 || minFitClients > clients) {
                throw BadInputException.of("--min-fit-clients must be in [1, %d] (--clients), got %d", clients,
                        minFitClients);
            }
            b.minFitClients(minFitClients);
        }
        if (samplingSeed != null) {
            b.samplingSeed(samplingSeed);
        }
        Optional<DpFedAvg> dp = SimulateCommand.dpFedAvg(dpClip, dpNoiseMultiplier, delta, adaptiveClipQuantile,
                accountant, insecureSeed);
        dp.ifPresent(b::dp);
        if (!secureAggregation && secAggNeighbours != null) {
            throw BadInputException.of("--secagg-neighbours applies to --secure-aggregation, got %d", secAggNeighbours);
        }
        if (secureAggregation) {
            b.secureAggregation(new SecureAggregation(SimulateCommand.secAggNeighbours(secAggNeighbours),
                    SecureAggregation.DEFAULT_FRACTIONAL_BITS, 0));
        }
        if (revoked != null) {
            b.revocationList(RevocationList.of(revoked));
        }
        if (maxMessageBytes != null) {
            b.maxMessageBytes(maxMessageBytes);
        }
        if (checkpoint != null) {
            b.checkpointDir(checkpoint);
        }
        if (test != null) {
            b.testData(test);
        }
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!json) {
            b.listener(r -> {
                w.println(line(r));
                w.flush();
            });
        }
        FlServer.Result r;
        try (FlServer server = b.build()) {
            r = server.start().awaitResult();
        }
        ModelFiles.save(r.model(), out);
        if (json) {
            List<Round> rs = r.rounds().stream().map(x -> new Round(x.round(), x.attempts(), x.selected(), x.valid(),
                    x.excluded(), x.dropped(), x.accuracy().isPresent() ? x.accuracy().getAsDouble() : null,
                    x.loss().isPresent() ? x.loss().getAsDouble() : null, x.seconds())).toList();
            Json.print(w, new Result(rs, s.name(), a.spec(), clients, minClients == null ? clients : minClients,
                    fractionFit, r.clientSampling(), seed, r.resumedAfterRound(), out.toString(),
                    r.privacy().map(PrivacyGuarantee::toJson).orElse(null)));
        } else {
            if (fractionFit < 1) {
                w.printf("clients per round: %s%n", r.clientSampling());
            }
            r.privacy().ifPresent(g -> SimulateCommand.printClientDp(w, g));
            if (r.resumedAfterRound() > 0) {
                err.printf("resumed after round %d from %s%n", r.resumedAfterRound(), checkpoint);
            }
            w.printf("wrote %s%n", out);
            w.flush();
        }
        return ExitCode.OK;
    }

    static String line(NetRound r) {
        return String.format(Locale.ROOT, "round %d: %d of %d clients aggregated, %d excluded, %d dropped%s (%.2f s%s)",
                r.round(), r.valid(), r.selected(), r.excluded(), r.dropped(),
                r.accuracy().isPresent() ? String.format(Locale.ROOT, ", accuracy %.4f", r.accuracy().getAsDouble())
                        : "", r.seconds(), r.attempts() > 1 ? ", attempt " + r.attempts() : "");
    }

    private TlsFiles tls() {
        if (certs != null) {
            if (cert != null || key != null || ca != null) {
                throw new BadInputException("give either --certs DIR or all of --cert, --key and --ca, not both");
            }
            return TlsFiles.inFolder(certs, "server").checked();
        }
        if (cert == null || key == null || ca == null) {
            throw new BadInputException("TLS is required: give --certs DIR (from fl certs) or all of --cert, --key "
                    + "and --ca");
        }
        return new TlsFiles(cert, key, ca).checked();
    }

    private Model initialModel(Dataset test) {
        if (initialModel != null) {
            if (model != null || hidden != null) {
                throw new BadInputException("--initial-model replaces --model and --hidden; give one or the other");
            }
            return ModelFiles.load(initialModel);
        }
        if (model == null) {
            throw new BadInputException("give --model logreg|softmax|mlp (with --test-data for its shape) or "
                    + "--initial-model FILE");
        }
        String kind = model.toLowerCase(Locale.ROOT);
        if (!List.of("logreg", "softmax", "mlp").contains(kind)) {
            throw BadInputException.of("--model must be logreg, softmax or mlp, got '%s'", model);
        }
        if (test == null) {
            throw new BadInputException("--model needs --test-data: the coordinator takes the feature and class names "
                    + "from it");
        }
        if (hidden != null && !kind.equals("mlp")) {
            throw BadInputException.of("--hidden applies to --model mlp, not %s", kind);
        }
        if (!kind.equals("mlp")) {
            return LinearModel.zeros(test.featureNames(), test.classNames());
        }
        int[] h = hidden == null ? new int[] {128} : org.botsec.cli.core.TrainCommand.parseHidden(hidden);
        int[] sizes = new int[h.length + 2];
        sizes[0] = test.numFeatures();
        System.arraycopy(h, 0, sizes, 1, h.length);
        sizes[sizes.length - 1] = test.numClasses();
        return Mlp.create(sizes, test.featureNames(), test.classNames(), Randomness.replayable(seed));
    }

    private static Duration seconds(long s, String flag) {
        if (s < 1) {
            throw BadInputException.of("%s must be >= 1 second, got %d", flag, s);
        }
        return Duration.ofSeconds(s);
    }
}
