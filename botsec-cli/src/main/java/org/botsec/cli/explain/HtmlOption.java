package org.botsec.cli.explain;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --html FILE} option of the LIME commands. */
final class HtmlOption {
    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page.")
    Path html;

    /** Refuses an unwritable {@code --html} path before any work (SafeFiles' output rule). */
    void check() {
        if (html != null) {
            org.botsec.core.files.SafeFiles.checkOutputFile(html, "--html");
        }
    }
}
