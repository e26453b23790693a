package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code bin/botsec} command of the README's bash blocks, in order and as written, so that none of
 * them rots: files under {@code examples/} are the shipped ones, every other file a command names is written to
 * and read from a temporary folder. Only {@code demo} (it has its own test) and {@code serve} (it does not
 * return) are left out. A command that exits non-zero fails the test with its output.
 */
class ReadmeCommandsTest {
    private static final Pattern FILE = Pattern.compile("[\\w./-]+\\.(safetensors|html|png|csv|json|jsonl|yaml)");

    private static final java.util.Set<String> OUT_DIRS = java.util.Set.of("--out", "--out-dir", "--png");

    @TempDir
    Path dir;

    @Test
    void everyReadmeCommandRunsAsWritten() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String readme = Files.readString(root.resolve("README.md"));
        List<Command> commands = commands(readme);
        assertTrue(commands.size() >= 15, "found only " + commands.size() + " README commands");
        for (Command command : commands) {
            List<String> words = command.words();
            String sub = words.get(0);
            if (sub.equals("demo") || sub.equals("serve")) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (String w : words) {
                String previous = args.isEmpty() ? "" : words.get(args.size() - 1);
                if (OUT_DIRS.contains(previous) && !w.startsWith("/")) {
                    args.add(dir.resolve(w).toString()); // output folders go to the temporary folder too
                } else if (FILE.matcher(w).matches()) {
                    args.add((w.startsWith("examples/") ? root.resolve(w) : dir.resolve(w)).toString());
                } else {
                    args.add(w);
                }
            }
            CliRun r = CliRun.run(args.toArray(String[]::new));
            // a command whose comment says "exit 3 when ..." is a gate: failing its threshold is its documented job
            boolean ok = r.code() == 0 || command.gate() && r.code() == ExitCode.THRESHOLD_FAILED;
            assertTrue(ok, "README command failed: bin/botsec " + String.join(" ", words) + "\n" + r);
        }
    }

    /**
     * One README command.
     *
     * @param words the words after {@code bin/botsec}
     * @param gate  whether its comment (or the comment heading its group) documents an exit 3 gate
     */
    record Command(List<String> words, boolean gate) {
    }

    /** Every {@code bin/botsec} command of the README's bash blocks, continuation lines joined. */
    static List<Command> commands(String readme) {
        List<Command> out = new ArrayList<>();
        boolean inBash = false;
        boolean groupGate = false;
        StringBuilder code = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        for (String line : readme.split("\n", -1)) {
            if (line.startsWith("```")) {
                inBash = line.equals("```bash");
                continue;
            }
            if (!inBash) {
                continue;
            }
            if (line.startsWith("#")) {
                groupGate = line.contains("exit 3");
                continue;
            }
            String c = stripComment(line).strip();
            raw.append(line);
            if (c.endsWith("\\")) {
                code.append(c, 0, c.length() - 1).append(' ');
                continue;
            }
            String full = code.append(c).toString().strip();
            String rawFull = raw.toString();
            code.setLength(0);
            raw.setLength(0);
            if (full.isEmpty()) {
                groupGate = false; // a blank line ends a comment's group
            } else if (full.startsWith("bin/botsec ")) {
                out.add(new Command(words(full.substring("bin/botsec ".length())),
                        groupGate || rawFull.contains("# exit 3")));
            }
        }
        return out;
    }

    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Splits as a POSIX shell would for the plain words and quotes the README uses. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    @Test
    void splitterHandlesQuotesCommentsAndContinuations() {
        String md = "```bash\nbin/botsec a --text \"x # y\" 'q r'   # comment\nbin/botsec b \\\n  --c d\nls\n```\n"
                + "```java\nbin/botsec not-bash\n```\n";
        assertEquals(List.of(new Command(List.of("a", "--text", "x # y", "q r"), false),
                new Command(List.of("b", "--c", "d"), false)), commands(md));
        String gated = "```bash\n# gates: exit 3 when crossed\nbin/botsec g\n\nbin/botsec h\nbin/botsec v f   # exit 3 when bad\n```\n";
        assertEquals(List.of(true, false, true), commands(gated).stream().map(Command::gate).toList());
    }
}
