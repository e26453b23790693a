package org.botsec.cli.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.botsec.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code botsec attack poison}: bad input (exit 2, one line), the JSON document, the threshold exit code and the
 * scan-only mode. Uses logistic regression (L-BFGS) on digits8x8 so that each run takes seconds; the numbers
 * themselves are checked in botsec-attacks' BackdoorDigitsTest against the known poisoned rows.
 */
class PoisonCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--method backdoor --rate 1.5|--rate must be in (0, 1), got 1.5",
            "--method backdoor --rate 0|--rate must be in (0, 1), got 0.0",
            "--method flip --rate 0.1|unknown poisoning method 'flip'; use one of label-flip, backdoor",
            "--method backdoor --rate 0.1 --target-class 10|--target-class must be in [0, 10) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got 10",
            "--method backdoor --rate 0.1 --trigger-size 9|trigger size must be in [1, 8] for a 8 x 8 image, got 9",
            "--method label-flip --rate 0.1 --target-class 1|--target-class applies to --method backdoor",
            "--method backdoor --rate 0.1 --detect spectra|unknown detector 'spectra'; use one of spectral, activation-clustering, attribution",
            "--method backdoor --rate 0.1 --expected-poison-rate 2|--expected-poison-rate must be in (0, 1), got 2.0",
            "--method backdoor --rate 0.1 --max-attack-success-rate 1.2|--max-attack-success-rate must be in [0, 1], got 1.2",
            "--rate 0.1|attack poison needs --method (label-flip or backdoor) and --rate (or give --scan-only to scan your own data)",
    })
    void badInputGivesOneLineAndExit2(String flags, String message) {
        String[] extra = flags.split(" ");
        String[] args = new String[6 + extra.length];
        String[] base = {"attack", "poison", "--data", "builtin:digits8x8", "--model", "logreg"};
        System.arraycopy(base, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r.toString());
        assertEquals("botsec: " + message, r.err().strip(), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void unknownModelKindAndScanWithoutRateAreOneLineToo() {
        CliRun r = CliRun.run("attack", "poison", "--data", "builtin:digits8x8", "--model", "svm", "--method",
                "label-flip", "--rate", "0.1");
        assertEquals(2, r.code());
        assertEquals("botsec: --model must be mlp or logreg for the attack (a model file goes with --scan-only), "
                + "got 'svm'", r.err().strip());
        CliRun s = CliRun.run("attack", "poison", "--scan-only", "--data", "builtin:digits8x8:train", "--model",
                "x.safetensors", "--detect", "spectral");
        assertEquals(2, s.code());
        assertEquals("botsec: --detect spectral with --scan-only needs --expected-poison-rate (an upper bound on the "
                + "poisoned share of a class)", s.err().strip());
    }

    @Test
    void backdoorJsonHasMetricsFindingsAndDetectionsAndTheThresholdExits3() {
        CliRun r = CliRun.run("attack", "poison", "--data", "builtin:digits8x8", "--model", "logreg", "--method",
                "backdoor", "--rate", "0.1", "--detect", "spectral", "--json", "--max-attack-success-rate", "0.05");
        JsonNode j = r.json();
        assertEquals(3, r.code(), r.toString());
        assertEquals("poisoning.backdoor", j.get("attack").asText());
        assertEquals(42, j.get("seed").asLong());
        JsonNode m = j.get("metrics");
        assertEquals(144, m.get("poisoned_rows").asInt());
        double asr = m.get("attack_success_rate").asDouble();
        assertTrue(asr > 0.05, "the threshold failed because the attack succeeded: " + asr);
        assertTrue(m.has("clean_accuracy_drop") && m.has("spectral_precision") && m.has("spectral_recall"));
        assertEquals("attack.poisoning.backdoor", j.get("findings").get(0).get("rule_id").asText());
        assertEquals("AML.T0043.004", j.get("findings").get(0).get("atlas").get("id").asText());
        JsonNode det = j.get("detections").get(0);
        assertEquals("spectral", det.get("detector").asText());
        assertEquals(m.get("spectral_flagged").asInt(), det.get("flagged_rows").size());
        assertTrue(r.err().contains("attack success rate"), r.err());
    }

    @Test
    void scanOnlyFlagsRowsOfAUsersModelAndData(@TempDir Path dir) {
        Path model = dir.resolve("digits.safetensors");
        CliRun t = CliRun.run("train", "--data", "builtin:digits8x8", "--model", "logreg", "--out", model.toString(),
                "-q");
        assertEquals(0, t.code(), t.toString());
        CliRun r = CliRun.run("attack", "poison", "--scan-only", "--model", model.toString(), "--data",
                "builtin:digits8x8:train", "--detect", "spectral,activation-clustering", "--expected-poison-rate",
                "0.05", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("poisoning.scan", j.get("attack").asText());
        // spectral flags ceil(1.5 · 0.05 · n_c) rows of every class, whatever the data
        assertTrue(j.get("metrics").get("spectral_flagged").asInt() >= 100, j.get("metrics").toString());
        JsonNode f = j.get("findings").get(0);
        assertEquals("attack.poisoning.detect.spectral", f.get("rule_id").asText());
        assertEquals("data_rows", f.get("location").get("type").asText());
    }
}
