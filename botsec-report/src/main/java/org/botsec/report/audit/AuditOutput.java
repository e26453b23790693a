package org.botsec.report.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.botsec.core.BadInputException;
import org.botsec.report.Report;
import org.botsec.report.render.HtmlReport;
import org.botsec.report.render.ReportJson;
import org.botsec.report.render.SarifReport;
import org.botsec.report.render.StixBundle;

/**
 * Writes a {@link Report} as {@code report.html}, {@code report.json}, {@code report.sarif} and
 * {@code report.stix.json} into a folder. All four are first written into a temporary folder next to the target
 * and moved into place only when all four exist, so a failure leaves either the old set or the new one.
 */
public final class AuditOutput {
    /** The four files, in the order they are written. */
    public static final List<String> FILES = List.of("report.html", "report.json", "report.sarif", "report.stix.json");

    private AuditOutput() {
    }

    /** Checks that {@code dir} can receive the report: one line naming the problem otherwise. */
    public static void checkTarget(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw BadInputException.of("--out %s is a file, not a folder", dir);
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw BadInputException.of("--out %s: its parent folder %s does not exist", dir, parent);
        }
        Path check = Files.exists(abs) ? abs : parent;
        if (!Files.isWritable(check)) {
            throw BadInputException.of("--out %s: folder %s is not writable", dir, check);
        }
    }

    /** Writes the four files into {@code dir} (created if missing). */
    public static void write(Report report, Path dir, StixBundle.Tlp tlp) {
        checkTarget(dir);
        Path abs = dir.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
            Files.writeString(tmp.resolve("report.html"), HtmlReport.render(report), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.json"), ReportJson.toText(report), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.sarif"), SarifReport.toText(report), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.stix.json"), StixBundle.toText(report, tlp), StandardCharsets.UTF_8);
            if (!Files.exists(abs)) {
                move(tmp, abs);
                tmp = null;
            } else {
                for (String f : FILES) {
                    move(tmp.resolve(f), abs.resolve(f));
                }
            }
        } catch (IOException e) {
            throw BadInputException.of("cannot write the report into %s: %s", dir, e.getMessage());
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary folder starts with a dot
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
