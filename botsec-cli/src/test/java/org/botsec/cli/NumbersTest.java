package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.botsec.core.math.Numbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan of real command output for the number forms {@link Numbers} replaced (its own examples are tested in
 * botsec-base): Java's
 * {@code 1.0E-5}, zero-padded exponents ({@code 1.00000e-05}) and {@code R^2}.
 */
class NumbersTest {
    /** Java's Double.toString scientific form, %g's padded form, or a "+" exponent. */
    static final Pattern OTHER_FORMS = Pattern.compile("\\d(?:E[-+]?\\d|e[-+]0\\d|e\\+\\d)|R\\^2|\\d\\.\\d*0+e-?\\d");

    @TempDir
    Path dir;

    @Test
    void commandOutputUsesOneNumberForm() {
        Path dp = dir.resolve("dp.safetensors");
        List<String[]> commands = List.of(
                new String[] {"privacy", "epsilon", "--sample-size", "60000", "--batch-size", "256",
                    "--noise-multiplier", "1.1", "--epochs", "60", "--delta", "1e-5"},
                new String[] {"privacy", "noise", "--sample-size", "60000", "--batch-size", "256", "--epochs", "60",
                    "--delta", "1e-5", "--target-epsilon", "3"},
                new String[] {"train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", dp.toString(),
                    "--dp", "--l2-norm-clip", "1.0", "--noise-multiplier", "1.1", "--learning-rate", "0.5", "--delta",
                    "1e-5", "--epochs", "2", "--batch-size", "64", "-q"},
                new String[] {"models", "info", dp.toString()},
                new String[] {"explain", "shap", "--model", dp.toString(), "--background", "builtin:breast_cancer:train",
                    "--data", "builtin:breast_cancer:test", "--method", "linear"},
                new String[] {"eval", "--model", dp.toString(), "--data", "builtin:breast_cancer:test"},
                new String[] {"attack", "evasion", "--model", dp.toString(), "--data", "builtin:breast_cancer:test",
                    "--method", "fgsm", "--epsilon", "0.00001", "--limit", "20", "--value-range", "none"},
                new String[] {"attack", "membership", "--model", dp.toString(), "--members", "builtin:breast_cancer:train",
                    "--non-members", "builtin:breast_cancer:test"});
        List<String> problems = new ArrayList<>();
        for (String[] args : commands) {
            CliRun r = CliRun.run(args);
            assertEquals(0, r.code(), String.join(" ", args) + "\n" + r);
            for (String line : (r.out() + r.err()).split("\n")) {
                Matcher m = OTHER_FORMS.matcher(line);
                if (m.find()) {
                    problems.add(args[0] + " " + args[1] + ": " + line.strip());
                }
            }
        }
        assertEquals(List.of(), problems);
        // the form the issue asked for is there
        assertTrue(CliRun.run("models", "info", dp.toString()).out().contains("at delta 1e-5"));
    }
}
