package org.botsec.cli.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.botsec.cli.Botsec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code botsec privacy epsilon|noise}. Expected numbers are dp_accounting 0.6.0's (google/differential-privacy
 * commit b5b0286e313b), from the golden files also used by botsec-privacy's tests.
 */
class PrivacyCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Botsec.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode json(Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void epsilonJsonForTheTfPrivacyMnistTutorial() throws Exception {
        // 60 epochs of 60000/256 → ceil(60·60000/256) = 14063 steps; dp_accounting RDP ε = 2.59666 at order 8.1
        JsonNode j = json(run("privacy", "epsilon", "--sample-size", "60000", "--batch-size", "256",
                "--noise-multiplier", "1.1", "--epochs", "60", "--delta", "1e-5", "--json"));
        assertEquals(2.59666, j.get("epsilon").asDouble(), 1e-3 * 2.59666);
        assertEquals(1e-5, j.get("delta").asDouble());
        assertEquals("rdp", j.get("accountant").asText());
        assertEquals(14063, j.get("steps").asLong());
        assertEquals(256.0 / 60000, j.get("sample_rate").asDouble(), 1e-15);
        assertEquals(1.1, j.get("noise_multiplier").asDouble());
        assertEquals(8.1, j.get("optimal_order").asDouble(), 1e-12);
    }

    @Test
    void epsilonWithPldAccountantAndSteps() throws Exception {
        // de2022_cifar10_eps1 row: dp_accounting PLD ε = 0.902772
        JsonNode j = json(run("privacy", "epsilon", "--sample-size", "50000", "--batch-size", "4096",
                "--noise-multiplier", "10", "--steps", "875", "--delta", "1e-5", "--accountant", "pld", "--json"));
        assertEquals(0.902772, j.get("epsilon").asDouble(), 1e-2 * 0.902772);
        assertEquals("pld", j.get("accountant").asText());
        assertTrue(j.get("optimal_order") == null);
    }

    @Test
    void noiseJson() throws Exception {
        // mnist_b256_60ep, target 3.0: dp_accounting σ = 1.01404
        JsonNode j = json(run("privacy", "noise", "--sample-size", "60000", "--batch-size", "256",
                "--steps", "14063", "--delta", "1e-5", "--target-epsilon", "3", "--json"));
        assertEquals(1.01404, j.get("noise_multiplier").asDouble(), 5e-3 * 1.01404);
        assertTrue(j.get("epsilon").asDouble() <= 3.0);
    }

    @Test
    void humanOutputByDefault() {
        Run r = run("privacy", "epsilon", "--sample-size", "60000", "--batch-size", "256",
                "--noise-multiplier", "1.1", "--epochs", "60", "--delta", "1e-5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("epsilon = 2.5966"), r.out());
        assertTrue(r.out().contains("14063 steps"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--noise-multiplier 0 --steps 10 --delta 1e-5|--noise-multiplier must be > 0 and finite, got 0.0",
        "--noise-multiplier NaN --steps 10 --delta 1e-5|--noise-multiplier must be > 0 and finite, got NaN",
        "--noise-multiplier 1 --steps 10 --delta 1.5|--delta must be in (0, 1), got 1.5",
        "--noise-multiplier 1 --steps 10 --delta 0.01|--delta 0.01 is >= 1/N = 0.001: a guarantee with such a "
            + "delta is meaningless (it allows publishing a whole example); use a delta well below 1/N",
        "--noise-multiplier 1 --steps 0 --delta 1e-5|--steps must be > 0, got 0",
        "--noise-multiplier 1 --epochs -1 --delta 1e-5|--epochs must be > 0 and finite, got -1.0",
        "--noise-multiplier 1 --steps 10 --delta 1e-5 --accountant gdp|accountant must be rdp or pld, got gdp",
    })
    void badInputIsOneLineAndExitTwo(String args, String message) {
        String[] base = {"privacy", "epsilon", "--sample-size", "1000", "--batch-size", "100"};
        String[] extra = args.split(" ");
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        Run r = run(all);
        assertEquals(2, r.code());
        assertEquals("botsec: " + message + System.lineSeparator(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void batchLargerThanDataIsRejected() {
        Run r = run("privacy", "epsilon", "--sample-size", "100", "--batch-size", "200", "--noise-multiplier", "1",
                "--steps", "10", "--delta", "1e-5");
        assertEquals(2, r.code());
        assertEquals("botsec: --batch-size 200 is larger than --sample-size 100" + System.lineSeparator(), r.err());
    }

    @Test
    void unreachableTargetIsExitTwo() {
        Run r = run("privacy", "noise", "--sample-size", "1000", "--batch-size", "1000", "--steps", "1000000",
                "--delta", "1e-5", "--target-epsilon", "0.0001");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("botsec: target epsilon 1.0E-4 cannot be reached"), r.err());
        assertEquals(1, r.err().strip().lines().count());
    }

    @Test
    void hugePldCompositionIsRefusedNotAttempted() {
        Run r = run("privacy", "epsilon", "--sample-size", "1000000", "--batch-size", "1000", "--noise-multiplier",
                "0.5", "--steps", "100000000", "--delta", "1e-7", "--accountant", "pld");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("use the RDP accountant"), r.err());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("privacy", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("epsilon") && r.out().contains("noise"), r.out());
        Run e = run("privacy", "epsilon", "--help");
        assertEquals(0, e.code());
        assertTrue(e.out().contains("--noise-multiplier") && e.out().contains("--accountant"), e.out());
    }

    @Test
    void epochsAndStepsAreExclusive() {
        Run r = run("privacy", "epsilon", "--sample-size", "1000", "--batch-size", "100", "--noise-multiplier", "1",
                "--steps", "10", "--epochs", "1", "--delta", "1e-5");
        assertEquals(2, r.code());
    }
}
