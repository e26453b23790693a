package org.botsec.flower.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.rand.Randomness;
import org.botsec.federated.Partition;
import org.botsec.flower.FlowerClient;
import org.botsec.flower.FlowerEvent;
import org.botsec.flower.FlowerException;
import org.botsec.flower.FlowerNodeKey;
import org.botsec.flower.FlowerRunSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code botsec fl client --superlink HOST:PORT ...}: join a Flower SuperLink as a client node and train with
 * BotSec's local training. The library entry point is {@link FlowerClient#builder()}.
 */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Join a Flower SuperLink (Flower 1.23 Fleet API) as a client node: answer the ServerApp's "
                + "train and evaluate messages with local SGD on this node's rows, next to Flower's own Python "
                + "clients. Replies carry the arrays and the metrics train_loss / eval_loss, eval_acc and "
                + "num-examples (the keys of Flower's app templates). Other message types get an error reply."},
        footer = {"", "Examples:",
                "  botsec fl client --superlink 127.0.0.1:9092 --insecure --data builtin:digits8x8 \\",
                "               --model softmax --partition 1/2 --idle-exit 60",
                "  botsec fl client --superlink superlink.example.org:9092 --root-certificates ca.pem \\",
                "               --node-key node.pem --data silo.csv --label label --model mlp --hidden 64"})
public final class FlowerClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--superlink", required = true, paramLabel = "HOST:PORT",
            description = "The SuperLink's Fleet API address (flower-superlink's default port is 9092).")
    String superlink;

    @Option(names = "--insecure", description = "Plain-text gRPC (a SuperLink started with --insecure).")
    boolean insecure;

    @Option(names = "--root-certificates", paramLabel = "PEM", description = "CA certificates for TLS.")
    Path rootCertificates;

    @Option(names = "--node-key", paramLabel = "PEM",
            description = "Persistent node key on P-384: OpenSSH (ssh-keygen -t ecdsa -b 384, as for Flower's "
                    + "SuperNode), PKCS#8 or SEC1 PEM; created if missing, with its OpenSSH public key in PEM.pub "
                    + "(for a SuperLink with --enable-supernode-auth: flwr supernode register PEM.pub). Without it a "
                    + "fresh key is registered for this run and unregistered at the end.")
    Path nodeKey;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "builtin:NAME (its fixed train/test split) or a CSV file (stratified 80/20 with --seed).")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file.")
    String label;

    @Option(names = "--partition", paramLabel = "I/N", defaultValue = "1/1",
            description = "Keep the I-th of N IID parts of the train and test rows (1-based; default all rows).")
    String partition;

    @Option(names = "--model", required = true, paramLabel = "logreg|softmax|mlp",
            description = "Model family; the ServerApp's arrays must have its tensor shapes: linear (classes, "
                    + "features) + (classes,) (one row for two classes), mlp (out, in) + (out,) per layer.")
    String model;

    @Option(names = "--hidden", paramLabel = "N,N...", description = "mlp hidden widths (default 128).")
    String hidden;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round (default 1; a "
            + "config record's local-epochs overrides it).")
    int localEpochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Local minibatch size (default 32).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.1",
            description = "Local SGD step (default 0.1; a config record's lr overrides it).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, partition and shuffling.")
    long seed;

    @Option(names = "--max-messages", defaultValue = "0", description = "Leave after N messages (0: no limit).")
    int maxMessages;

    @Option(names = "--idle-exit", paramLabel = "SECONDS",
            description = "Leave after this many seconds without a message (default: never).")
    Integer idleExit;

    @Option(names = "--json", description = "Print one JSON summary on stdout at the end.")
    boolean json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FlowerClientCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (insecure == (rootCertificates != null)) {
                throw new BadInputException("give exactly one of --insecure and --root-certificates PEM");
            }
            if (idleExit != null && idleExit < 1) {
                throw BadInputException.of("--idle-exit must be >= 1 second, got %d", idleExit);
            }
            Dataset[] split = load();
            int[] part = parsePartition(partition);
            Dataset train = part(split[0], part, seed);
            Dataset test = part(split[1], part, seed + 1);
            FlowerClient.Builder b = FlowerClient.builder().superlink(superlink).model(model(train))
                    .trainData(train).testData(test).localEpochs(localEpochs).batchSize(batchSize)
                    .learningRate(learningRate).seed(seed).maxMessages(maxMessages);
            if (insecure) {
                b.insecure(true);
            } else {
                b.rootCertificates(rootCertificates);
            }
            if (nodeKey != null) {
                boolean created = !java.nio.file.Files.exists(nodeKey);
                b.nodeKey(FlowerNodeKey.loadOrCreate(nodeKey));
                if (created) {
                    err.printf(Locale.ROOT, "created node key %s; its public key is %s.pub (register it with "
                            + "`flwr supernode register` if the SuperLink runs with --enable-supernode-auth)%n",
                            nodeKey, nodeKey);
                    err.flush();
                }
            }
            if (idleExit != null) {
                b.idleTimeout(Duration.ofSeconds(idleExit));
            }
            if (!json) {
                b.listener(e -> {
                    out.println(line(e));
                    out.flush();
                });
            }
            FlowerClient client = b.build();
            if (!json) {
                err.printf(Locale.ROOT, "joining %s with %d train and %d test rows (partition %s)%n", superlink,
                        train.size(), test.size(), partition);
                err.flush();
            }
            FlowerRunSummary s = client.run();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(s)));
            } else {
                out.printf(Locale.ROOT, "node %s left: %d train, %d evaluate, %d error replies%n",
                        Long.toUnsignedString(s.nodeId()), s.trainReplies(), s.evaluateReplies(), s.errorReplies());
            }
            out.flush();
            return 0;
        } catch (BadInputException e) {
            err.println("botsec: " + e.getMessage());
            err.flush();
            return 2;
        } catch (FlowerException e) {
            err.println("botsec: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    static String line(FlowerEvent e) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "round %-3s %-9s", e.round().isEmpty() ? "-"
                : e.round(), e.messageType()));
        if (e.error().isPresent()) {
            s.append(" error: ").append(e.error().get());
        }
        e.metrics().forEach((k, v) -> s.append(String.format(Locale.ROOT, "  %s %s", k,
                k.equals("num-examples") ? String.valueOf(v.longValue()) : String.format(Locale.ROOT, "%.4f", v))));
        if (!e.replied()) {
            s.append("  (no reply sent)");
        }
        return s.toString();
    }

    private static Map<String, Object> toJson(FlowerRunSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node_id", Long.toUnsignedString(s.nodeId()));
        m.put("seed", s.seed());
        m.put("train_replies", s.trainReplies());
        m.put("evaluate_replies", s.evaluateReplies());
        m.put("error_replies", s.errorReplies());
        List<Map<String, Object>> ev = new ArrayList<>();
        for (FlowerEvent e : s.events()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("message_type", e.messageType());
            x.put("round", e.round());
            x.put("error", e.error().orElse(null));
            x.put("metrics", e.metrics());
            x.put("replied", e.replied());
            ev.add(x);
        }
        m.put("messages", ev);
        return m;
    }

    static int[] parsePartition(String spec) {
        String[] p = spec.split("/", -1);
        try {
            if (p.length == 2) {
                int i = Integer.parseInt(p[0].trim());
                int n = Integer.parseInt(p[1].trim());
                if (n >= 1 && n <= 10_000 && i >= 1 && i <= n) {
                    return new int[] {i, n};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw BadInputException.of("--partition must be I/N with 1 <= I <= N <= 10000, got '%s'", spec);
    }

    static Dataset part(Dataset d, int[] part, long seed) {
        if (part[1] == 1) {
            return d;
        }
        int[][] parts = Partition.iid().assign(d.y(), d.numClasses(), part[1], new SplittableRandom(seed));
        int[] rows = parts[part[0] - 1];
        if (rows.length == 0) {
            throw BadInputException.of("partition %d/%d of %d rows is empty", part[0], part[1], d.size());
        }
        return d.subset(rows);
    }

    private Model model(Dataset train) {
        String kind = model.toLowerCase(Locale.ROOT);
        if (!List.of("logreg", "softmax", "mlp").contains(kind)) {
            throw BadInputException.of("--model must be logreg, softmax or mlp, got '%s'", model);
        }
        if (hidden != null && !kind.equals("mlp")) {
            throw BadInputException.of("--hidden applies to --model mlp, not %s", kind);
        }
        if (kind.equals("mlp")) {
            int[] h = hidden == null ? new int[] {128} : parseHidden(hidden);
            int[] sizes = new int[h.length + 2];
            sizes[0] = train.numFeatures();
            System.arraycopy(h, 0, sizes, 1, h.length);
            sizes[sizes.length - 1] = train.numClasses();
            return Mlp.create(sizes, train.featureNames(), train.classNames(), Randomness.replayable(seed));
        }
        return LinearModel.zeros(train.featureNames(), train.classNames());
    }

    private static int[] parseHidden(String s) {
        String[] p = s.split(",");
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                out[i] = Integer.parseInt(p[i].trim());
            } catch (NumberFormatException e) {
                throw BadInputException.of("--hidden must be comma-separated widths, got '%s'", s);
            }
            if (out[i] < 1 || out[i] > 100_000) {
                throw BadInputException.of("--hidden widths must be in 1..100000, got %d", out[i]);
            }
        }
        return out;
    }

    private Dataset[] load() {
        if (DataSources.isBuiltin(data)) {
            DataSources.BuiltinSpec bs = DataSources.parseBuiltin(data);
            if (data.indexOf(':', DataSources.BUILTIN.length()) >= 0) {
                throw BadInputException.of("--data takes builtin:NAME (its fixed train/test split is used), got %s",
                        data);
            }
            if (Builtins.isText(bs.name())) {
                throw BadInputException.of("%s is a text data set; fl client trains numeric models", data);
            }
            return new Dataset[] {Builtins.load(bs.name(), Split.TRAIN), Builtins.load(bs.name(), Split.TEST)};
        }
        if (label == null) {
            throw new BadInputException("--label is required for a CSV file");
        }
        Dataset all = DataSources.loadNumeric(data, label);
        int[][] parts = Splits.stratified(all.y(), 0.2, seed);
        return new Dataset[] {all.subset(parts[0]), all.subset(parts[1])};
    }
}
