package org.botsec.cli.fl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.federated.net.CertificateAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec fl certs}: the federation's CA, the coordinator's and the clients' certificates. */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create the federation's certificate authority in DIR (ca.pem, ca.key) if it has none, then "
                + "issue the coordinator's certificate (server.pem/.key, for --server-hosts) and one certificate per "
                + "client (NAME.pem/.key). ECDSA P-256. Prints each serial and SHA-256 fingerprint (what a "
                + "revocation list names). Keep ca.key offline; give each party only its own .key, and ca.pem."},
        footer = {"", "Examples:",
                "  mkdir -p fl-certs",
                "  botsec fl certs --dir fl-certs --server-hosts localhost,127.0.0.1 --clients alice,bob,carol",
                "  botsec fl certs --dir fl-certs --clients dave --days 30"})
public final class CertsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder of the CA and certificates "
            + "(must exist).")
    Path dir;

    @Option(names = "--server-hosts", split = ",", paramLabel = "HOST,...",
            description = "Issue server.pem for these DNS names / IP addresses (clients dial one of them).")
    List<String> serverHosts;

    @Option(names = "--clients", split = ",", paramLabel = "NAME,...", description = "Issue a client certificate "
            + "per name (letters, digits, '.', '_', '-').")
    List<String> clients;

    @Option(names = "--days", defaultValue = "365", paramLabel = "D",
            description = "Validity of new certificates in days (default 365; the CA gets 10 years).")
    int days;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** One issued certificate in the JSON document. */
    public record IssuedJson(String name, String kind, String certificate, String key, String serial,
                             String sha256) {
    }

    /** The JSON document. */
    public record Result(String ca, List<IssuedJson> issued) {
    }

    @Override
    public Integer call() {
        if ((serverHosts == null || serverHosts.isEmpty()) && (clients == null || clients.isEmpty())) {
            throw new BadInputException("give --server-hosts and/or --clients: there is nothing to issue");
        }
        if (days < 1 || days > 3650) {
            throw BadInputException.of("--days must be in [1, 3650], got %d", days);
        }
        CertificateAuthority ca = CertificateAuthority.openOrCreate(dir, "botsec-federation-ca", Duration.ofDays(3650));
        List<IssuedJson> out = new ArrayList<>();
        Duration validity = Duration.ofDays(days);
        if (serverHosts != null && !serverHosts.isEmpty()) {
            out.add(json(ca.issueServer("server", serverHosts, validity), "server"));
        }
        for (String c : clients == null ? List.<String>of() : clients) {
            if (c.equals("server")) {
                throw new BadInputException("'server' is the coordinator's file name; choose another client name");
            }
            out.add(json(ca.issueClient(c, validity), "client"));
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, new Result(ca.certificateFile().toString(), out));
        } else {
            w.printf("CA certificate %s (keep ca.key offline)%n", ca.certificateFile());
            for (IssuedJson i : out) {
                w.printf("%-7s %-16s %s  serial:%s  sha256:%s%n", i.kind(), i.name(), i.certificate(), i.serial(),
                        i.sha256());
            }
            w.flush();
        }
        return ExitCode.OK;
    }

    private static IssuedJson json(CertificateAuthority.Issued i, String kind) {
        return new IssuedJson(i.name(), kind, i.certificate().toString(), i.key().toString(), i.serialHex(),
                i.sha256Fingerprint());
    }
}
