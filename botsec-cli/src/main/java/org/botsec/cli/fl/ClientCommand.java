package org.botsec.cli.fl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.federated.Federation;
import org.botsec.federated.Partition;
import org.botsec.federated.net.FlClient;
import org.botsec.federated.net.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec fl client}: one data holder of a federation over gRPC with mutual TLS. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Join a federation run by botsec fl server: connect with this client's certificate, train the "
                + "global model on the local rows each round it is asked to, and send only the update. The rows "
                + "never leave this process. Retries while the coordinator restarts; a refused certificate ends it "
                + "with one line (exit 2). --shard I/N takes the rows virtual client I of N holds in fl simulate with "
                + "the same --partition and --seed, to replay a simulation over the network."},
        footer = {"", "Examples:",
                "  botsec fl client --server localhost:8443 --certs fl-certs --name alice \\",
                "               --data builtin:digits8x8:train --shard 0/3",
                "  botsec fl client --server coordinator.example.org:9443 --cert bob.pem --key bob.key \\",
                "               --ca ca.pem --data /data/local.csv --label outcome",
                "",
                "To join a Flower SuperLink instead, give --superlink (its options: botsec fl client --superlink x --help):",
                "  botsec fl client --superlink 127.0.0.1:9092 --insecure --data builtin:digits8x8 --model softmax"})
public final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
            description = "The coordinator (HOST must be named in its certificate).")
    String server;

    @Option(names = "--certs", paramLabel = "DIR", description = "Folder written by fl certs: uses DIR/NAME.pem, "
            + "DIR/NAME.key and DIR/ca.pem (with --name).")
    Path certs;

    @Option(names = "--name", paramLabel = "NAME", description = "This client's certificate name in --certs.")
    String name;

    @Option(names = "--cert", paramLabel = "PEM", description = "Client certificate (instead of --certs).")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "Client private key, PKCS#8 (instead of --certs).")
    Path key;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate the coordinator must chain to.")
    Path ca;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "This client's training rows: a CSV file (with --label) or builtin:NAME[:split].")
    String data;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of a CSV file.")
    String label;

    @Option(names = "--shard", paramLabel = "I/N", description = "Train only on the rows virtual client I of N holds "
            + "in fl simulate (and ask for slot I).")
    String shard;

    @Option(names = "--partition", defaultValue = "iid", paramLabel = "iid|dirichlet:A|shards:K",
            description = "With --shard: how fl simulate splits the rows (default iid).")
    String partition;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "With --shard: the simulation's "
            + "seed (default 42).")
    long seed;

    @Option(names = "--slot", paramLabel = "S", description = "Ask the coordinator for this slot (default: --shard's "
            + "I, else any free one).")
    Integer slot;

    @Option(names = "--rpc-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Deadline of each call (default 60).")
    long rpcTimeout;

    @Option(names = "--reconnect-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to keep trying while the coordinator is unreachable (default 120).")
    long reconnectTimeout;

    @Option(names = "--max-message-bytes", paramLabel = "BYTES",
            description = "Largest message accepted from the coordinator (default 256 MiB).")
    Integer maxMessageBytes;

    @Option(names = "--json", description = "Print one JSON document at the end.")
    boolean json;

    /** The JSON document. */
    public record Result(int slot, int roundsTrained, int updatesRefused, String end, int examples) {
    }

    @Override
    public Integer call() {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            throw BadInputException.of("--server must be HOST:PORT, got '%s'", server);
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw BadInputException.of("--server port must be a number, got '%s'", server.substring(colon + 1));
        }
        TlsFiles tls = tls();
        Dataset rows = DataSources.loadNumeric(data, label);
        Integer shardSlot = null;
        if (shard != null) {
            String[] p = shard.split("/");
            int i;
            int n;
            try {
                i = Integer.parseInt(p[0].strip());
                n = p.length == 2 ? Integer.parseInt(p[1].strip()) : -1;
            } catch (NumberFormatException e) {
                n = -1;
                i = -1;
            }
            if (n < 1 || i < 0 || i >= n) {
                throw BadInputException.of("--shard must be I/N with 0 <= I < N, got '%s'", shard);
            }
            rows = rows.subset(Federation.clientRows(rows, Partition.parse(partition), n, i, seed));
            shardSlot = i;
        }
        FlClient.Builder b = FlClient.builder().server(host, port).tls(tls).data(rows)
                .rpcTimeout(seconds(rpcTimeout, "--rpc-timeout"))
                .reconnectTimeout(seconds(reconnectTimeout, "--reconnect-timeout"));
        Integer s = slot != null ? slot : shardSlot;
        if (s != null) {
            b.slot(s);
        }
        if (maxMessageBytes != null) {
            b.maxMessageBytes(maxMessageBytes);
        }
        FlClient.Result r = b.build().run();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, new Result(r.slot(), r.roundsTrained(), r.updatesRefused(), r.endReason(), rows.size()));
        } else {
            w.printf(Locale.ROOT, "slot %d: trained %d round(s) on %d rows, %d update(s) refused; coordinator: %s%n",
                    r.slot(), r.roundsTrained(), rows.size(), r.updatesRefused(), r.endReason());
            w.flush();
        }
        return ExitCode.OK;
    }

    private TlsFiles tls() {
        if (certs != null) {
            if (cert != null || key != null || ca != null) {
                throw new BadInputException("give either --certs DIR --name NAME or all of --cert, --key and --ca");
            }
            if (name == null) {
                throw new BadInputException("--certs needs --name: which certificate in the folder is this client's");
            }
            return TlsFiles.inFolder(certs, name).checked();
        }
        if (name != null) {
            throw new BadInputException("--name applies to --certs");
        }
        if (cert == null || key == null || ca == null) {
            throw new BadInputException("TLS is required: give --certs DIR --name NAME (from fl certs) or all of "
                    + "--cert, --key and --ca");
        }
        return new TlsFiles(cert, key, ca).checked();
    }

    private static Duration seconds(long s, String flag) {
        if (s < 1) {
            throw BadInputException.of("%s must be >= 1 second, got %d", flag, s);
        }
        return Duration.ofSeconds(s);
    }
}
