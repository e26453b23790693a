package org.botsec.cli.guard;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.guard.audit.AuditLog;
import org.botsec.guard.audit.AuditSigningKey;
import org.botsec.guard.audit.VerifyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code botsec audit-log verify FILE}: checks a tamper-evident audit log. */
@Command(name = "audit-log", mixinStandardHelpOptions = true, description = "Work with tamper-evident audit logs.",
        subcommands = {AuditLogCommand.Verify.class})
public final class AuditLogCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The JSON document of {@code verify}. */
    record VerifyOutput(boolean valid, long records, Long firstBadIndex, long entries, String reason, boolean tornTail,
                        Long lastCheckpointIndex, long unsignedRecords) {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the hash chain and signed checkpoints of an audit log.",
                    "Exit 0 when valid, 3 when a record was modified, inserted, deleted or reordered (or, with --witness,",
                    "cut off), 2 when a file cannot be read or is not an audit log."},
            footer = {"", "Examples:", "  botsec audit-log verify audit.jsonl --json",
                    "  botsec audit-log verify audit.jsonl --public-key audit.jsonl.pub.json --witness witness.jsonl"})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The audit log (JSON lines).")
        Path file;

        @Option(names = "--public-key", paramLabel = "FILE",
                description = "Trusted Tink JSON public keyset (as written next to the log as FILE.pub.json). Without it the key in the log's own header is used, which proves only internal consistency.")
        Path publicKey;

        @Option(names = "--witness", paramLabel = "FILE",
                description = "Witness file the log's checkpoints were anchored in (serve --audit-witness). Detects a log cut back to an earlier checkpoint, which the log alone cannot show.")
        Path witness;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            String trusted = publicKey == null ? null : AuditSigningKey.readPublicKeyFile(publicKey);
            VerifyResult r = AuditLog.verify(file, trusted, witness);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, new VerifyOutput(r.valid(), r.records(), r.valid() ? null : r.firstBadIndex(), r.entries(),
                        r.reason(), r.tornTail(), r.lastCheckpointIndex() < 0 ? null : r.lastCheckpointIndex(), r.unsignedRecords()));
            } else if (r.valid()) {
                out.printf("valid: %s%n", r.reason());
                if (publicKey == null) {
                    out.println("note: checked against the key in the log's header; pass --public-key for a trusted key");
                }
            } else {
                out.printf("INVALID: first bad record %d: %s%n", r.firstBadIndex(), r.reason());
            }
            out.flush();
            if (!r.valid()) {
                spec.commandLine().getErr().printf("botsec: audit log %s is not valid (first bad record %d)%n", file, r.firstBadIndex());
                spec.commandLine().getErr().flush();
                return ExitCode.THRESHOLD_FAILED;
            }
            return ExitCode.OK;
        }
    }
}
