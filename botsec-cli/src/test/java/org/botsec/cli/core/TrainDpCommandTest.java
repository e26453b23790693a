package org.botsec.cli.core;

import org.botsec.core.math.Numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.botsec.cli.CliRun;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.TextDataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;
import org.botsec.privacy.DpTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code botsec train --dp} and {@code botsec models info} on DP models. The ε the command reports is checked
 * against {@code botsec privacy epsilon} for the same (N, B, σ, steps, δ) — a separate command whose accountant is
 * tested against dp_accounting's golden values in botsec-privacy — and the reported accuracy against the saved
 * model evaluated on the test split.
 */
class TrainDpCommandTest {
    /** breast_cancer's fixed train split has 456 rows (569 rows, stratified 80/20). */
    private static final int BC_TRAIN = 456;

    @TempDir
    Path dir;

    private static String[] args(String... a) {
        return a;
    }

    private String[] bcLogreg(Path out, String... more) {
        String[] base = {"train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", out.toString(),
            "--dp", "--l2-norm-clip", "1.0", "--noise-multiplier", "1.1", "--learning-rate", "0.5", "--delta",
            "1e-5", "--epochs", "5", "--batch-size", "64", "--json", "-q"};
        return CoreCommandsTest.concat(base, more);
    }

    private static double privacyEpsilon(int n, int b, double sigma, long steps, double delta, String accountant) {
        CliRun r = CliRun.run("privacy", "epsilon", "--sample-size", String.valueOf(n), "--batch-size",
                String.valueOf(b), "--noise-multiplier", String.valueOf(sigma), "--steps", String.valueOf(steps),
                "--delta", String.valueOf(delta), "--accountant", accountant, "--json");
        assertEquals(0, r.code(), r.toString());
        return r.json().get("epsilon").asDouble();
    }

    private static double testAccuracy(Path file, String builtin) {
        Classifier c = (Classifier) ModelFiles.load(file);
        Dataset test = Builtins.load(builtin, Split.TEST);
        return Evaluation.of(test.y(), c.predictProba(test.x()), test.classNames()).accuracy();
    }

    @Test
    void logregIsReproducibleWithAnInsecureSeedAndReportsTheAccountantsEpsilon() {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Path c = dir.resolve("c.safetensors");
        CliRun ra = CliRun.run(bcLogreg(a, "--insecure-seed", "7"));
        CliRun rb = CliRun.run(bcLogreg(b, "--insecure-seed", "7"));
        CliRun rc = CliRun.run(bcLogreg(c, "--insecure-seed", "8"));
        assertEquals(0, ra.code(), ra.toString());
        assertEquals(0, rb.code(), rb.toString());
        assertEquals(0, rc.code(), rc.toString());
        JsonNode ja = ra.json();
        // same seed: identical metrics and identical weights; another seed: other noise, other weights
        assertEquals(ja.get("metrics"), rb.json().get("metrics"));
        assertEquals(ja.get("epsilon"), rb.json().get("epsilon"));
        LinearModel ma = (LinearModel) ModelFiles.load(a);
        LinearModel mb = (LinearModel) ModelFiles.load(b);
        LinearModel mc = (LinearModel) ModelFiles.load(c);
        assertEquals(ma.coef().get(0, 0), mb.coef().get(0, 0), 0.0);
        assertNotEquals(ma.coef().get(0, 0), mc.coef().get(0, 0));

        long steps = (long) Math.ceil(5.0 * BC_TRAIN / 64);
        assertEquals(BC_TRAIN, ja.get("train_size").asInt());
        assertEquals(steps, ja.get("steps").asLong());
        assertEquals(steps, ja.get("steps_planned").asLong());
        assertEquals(64.0 / BC_TRAIN, ja.get("sample_rate").asDouble(), 1e-15);
        assertEquals(privacyEpsilon(BC_TRAIN, 64, 1.1, steps, 1e-5, "rdp"), ja.get("epsilon").asDouble(), 1e-12);
        assertEquals(1e-5, ja.get("delta").asDouble(), 0.0);
        assertEquals("rdp", ja.get("accountant").asText());
        assertEquals(1.1, ja.get("noise_multiplier").asDouble(), 0.0);
        assertEquals(1.0, ja.get("l2_norm_clip").asDouble(), 0.0);
        assertEquals("insecure-seeded", ja.get("noise").asText());
        assertEquals(7, ja.get("insecure_seed").asLong());
        assertEquals("fitted_on_private_data", ja.get("preprocessing").asText());
        assertTrue(ja.get("warnings").get(0).asText().contains("standardizer"), ja.toString());
        assertFalse(ja.has("stopped_by_budget"), "no budget given");
        // the JSON goes to stdout only; the warnings are repeated on stderr
        assertTrue(ra.err().contains("WARNING: the feature standardizer"), ra.err());

        // the reported accuracy is the saved model's; DP logistic regression still learns breast_cancer
        double acc = testAccuracy(a, "breast_cancer");
        assertEquals(acc, ja.get("metrics").get("accuracy").asDouble(), 1e-12);
        assertTrue(acc > 0.85, "accuracy " + acc);

        // provenance: the privacy section of the library plus what the CLI knows
        Provenance p = ma.provenance().orElseThrow();
        assertEquals("dp-sgd/logreg", p.trainer());
        PrivacyGuarantee g = p.privacy().orElseThrow();
        assertEquals(ja.get("epsilon").asDouble(), g.epsilon(), 0.0);
        assertEquals(steps, g.steps());
        assertEquals("seeded (not private)", g.noise().label());
        assertTrue(g.notCovered().get(0).contains("standardizer"), g.notCovered().toString());
        assertEquals(42L, p.seed());
    }

    @Test
    void withoutASeedTheNoiseIsSecureAndNotReplayable() {
        CliRun r1 = CliRun.run(bcLogreg(dir.resolve("s1.safetensors"), "--no-standardize"));
        CliRun r2 = CliRun.run(bcLogreg(dir.resolve("s2.safetensors"), "--no-standardize"));
        assertEquals(0, r1.code(), r1.toString());
        JsonNode j = r1.json();
        assertEquals("secure-random", j.get("noise").asText());
        assertFalse(j.has("insecure_seed"));
        assertEquals("public_or_fixed", j.get("preprocessing").asText());
        assertEquals(0, j.get("warnings").size(), j.toString());
        assertEquals("", r1.err(), "no warning when the whole pipeline is covered");
        LinearModel m1 = (LinearModel) ModelFiles.load(dir.resolve("s1.safetensors"));
        LinearModel m2 = (LinearModel) ModelFiles.load(dir.resolve("s2.safetensors"));
        assertNotEquals(m1.coef().get(0, 0), m2.coef().get(0, 0), "two SecureRandom runs differ");
        assertTrue(m1.scaler().isEmpty(), "--no-standardize: no scaler fitted on the private data");
        PrivacyGuarantee g1 = m1.provenance().orElseThrow().privacy().orElseThrow();
        assertTrue(g1.noise().secure());
        assertTrue(g1.noise().label().startsWith(org.botsec.privacy.DpSgd.secureGeneratorDescription()),
                g1.noise().label());
        assertTrue(g1.holdsEndToEnd(), g1.toString());
        // the same ε as the seeded runs: the accountant does not depend on the noise source
        assertEquals(j.get("epsilon").asDouble(), r2.json().get("epsilon").asDouble(), 0.0);
    }

    @Test
    void aPublicScalerFileIsCoveredAndUsedAsGiven() throws IOException {
        // stand-in for public data: a scaler fitted on the test split, which DP-SGD never sees
        Dataset other = Builtins.load("breast_cancer", Split.TEST);
        org.botsec.core.data.Standardizer s = org.botsec.core.data.Standardizer.fit(other.x());
        Path file = dir.resolve("scaler.json");
        Files.writeString(file, org.botsec.cli.Json.MAPPER.writeValueAsString(java.util.Map.of("mean", s.mean(),
                "scale", s.scale(), "feature_names", other.featureNames())));
        Path out = dir.resolve("scaled.safetensors");
        CliRun r = CliRun.run(bcLogreg(out, "--scaler", file.toString(), "--insecure-seed", "2"));
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals("public_or_fixed", j.get("preprocessing").asText());
        assertEquals(1, j.get("warnings").size(), "only the seeded-noise warning: " + j.get("warnings"));
        LinearModel m = (LinearModel) ModelFiles.load(out);
        assertEquals(s.mean()[3], m.scaler().orElseThrow().mean()[3], 0.0);
        assertEquals(s.scale()[7], m.scaler().orElseThrow().scale()[7], 0.0);
        assertTrue(m.provenance().orElseThrow().privacy().orElseThrow().covers()
                .contains("preprocessing: standardizer (mean, scale) from the public file scaler.json"));
        assertTrue(m.provenance().orElseThrow().privacy().orElseThrow().notCovered().isEmpty());
        double acc = testAccuracy(out, "breast_cancer");
        assertTrue(acc > 0.85, "accuracy " + acc);

        Files.writeString(file, "{\"mean\": [0, 1], \"scale\": [1, 1]}");
        bad("--scaler " + file + ": 'mean' must be an array of 30 numbers (one per feature), got 2 values", "--dp",
                "--l2-norm-clip", "1", "--noise-multiplier", "1", "--learning-rate", "0.5", "--delta", "1e-5",
                "--scaler", file.toString());
        bad("--scaler only applies with --dp", "--scaler", file.toString());
        bad("give --scaler FILE or --no-standardize, not both", "--dp", "--l2-norm-clip", "1", "--noise-multiplier",
                "1", "--learning-rate", "0.5", "--delta", "1e-5", "--scaler", file.toString(), "--no-standardize");
    }

    @Test
    void mlpWithMicrobatchesAndPldIsAccountedWithHalfTheNoiseMultiplier() {
        Path out = dir.resolve("mlp.safetensors");
        String[] a = {"train", "--data", "builtin:digits8x8", "--model", "mlp", "--hidden", "32", "--out",
            out.toString(), "--dp", "--l2-norm-clip", "1.0", "--noise-multiplier", "1.0", "--learning-rate", "2",
            "--delta", "1e-5", "--epochs", "5", "--batch-size", "128", "--insecure-seed", "3", "--json", "-q"};
        CliRun r = CliRun.run(a);
        CliRun again = CliRun.run(a);
        assertEquals(0, r.code(), r.toString());
        JsonNode j = r.json();
        assertEquals(j.get("metrics"), again.json().get("metrics"), "same seed, same model");
        int n = j.get("train_size").asInt();
        long steps = (long) Math.ceil(5.0 * n / 128);
        assertEquals(steps, j.get("steps").asLong());
        assertEquals(privacyEpsilon(n, 128, 1.0, steps, 1e-5, "rdp"), j.get("epsilon").asDouble(), 1e-12);
        assertEquals("public_or_fixed", j.get("preprocessing").asText(), "pixels/16 are fixed bounds");
        double acc = testAccuracy(out, "digits8x8");
        assertEquals(acc, j.get("metrics").get("accuracy").asDouble(), 1e-12);
        assertTrue(acc > 0.7, "DP MLP accuracy " + acc);

        // 8 microbatches of 16: the sensitivity of one example is 2C, so the accountant uses σ/2 (TF Privacy)
        Path mb = dir.resolve("mlp-mb.safetensors");
        CliRun m = CliRun.run("train", "--data", "builtin:digits8x8", "--model", "mlp", "--hidden", "16", "--out",
                mb.toString(), "--dp", "--l2-norm-clip", "1.0", "--noise-multiplier", "2.0", "--num-microbatches",
                "8", "--learning-rate", "1", "--delta", "1e-5", "--epochs", "2", "--batch-size", "128",
                "--accountant", "pld", "--optimizer", "adam", "--json", "-q");
        assertEquals(0, m.code(), m.toString());
        JsonNode jm = m.json();
        long mSteps = (long) Math.ceil(2.0 * n / 128);
        assertEquals(8, jm.get("num_microbatches").asInt());
        assertEquals("pld", jm.get("accountant").asText());
        assertEquals("adam", jm.get("optimizer").asText());
        assertEquals(privacyEpsilon(n, 128, 1.0, mSteps, 1e-5, "pld"), jm.get("epsilon").asDouble(), 1e-12);
    }

    @Test
    void textLogregWithEachVocabularyStatesWhatIsCovered() throws IOException {
        TextDataset train = Builtins.loadText("sentiment_sentences", Split.TRAIN);
        int n = train.size();
        String[] base = {"train", "--data", "builtin:sentiment_sentences", "--model", "text-logreg", "--dp",
            "--l2-norm-clip", "1.0", "--noise-multiplier", "1.0", "--learning-rate", "4", "--delta", "1e-5",
            "--epochs", "2", "--batch-size", "64", "--insecure-seed", "5", "--json", "-q"};
        long steps = (long) Math.ceil(2.0 * n / 64);
        double sgdEps = privacyEpsilon(n, 64, 1.0, steps, 1e-5, "rdp");

        // private vocabulary (the default): trained, but the vocabulary is not covered
        Path priv = dir.resolve("t-private.safetensors");
        CliRun rp = CliRun.run(CoreCommandsTest.concat(base, "--out", priv.toString()));
        CliRun rp2 = CliRun.run(CoreCommandsTest.concat(base, "--out", dir.resolve("t2.safetensors").toString()));
        assertEquals(0, rp.code(), rp.toString());
        JsonNode jp = rp.json();
        assertEquals(jp.get("metrics"), rp2.json().get("metrics"), "same seed, same model");
        assertEquals(sgdEps, jp.get("epsilon").asDouble(), 1e-12);
        assertEquals("fitted_on_private_data", jp.get("preprocessing").asText());
        assertTrue(jp.get("warnings").get(0).asText().contains("vocabulary"), jp.toString());
        TextClassifier tp = (TextClassifier) ModelFiles.load(priv);
        TextDataset test = Builtins.loadText("sentiment_sentences", Split.TEST);
        double acc = Evaluation.of(test.y(), tp.predictProba(test.texts()), test.classNames()).accuracy();
        assertEquals(acc, jp.get("metrics").get("accuracy").asDouble(), 1e-12);
        assertTrue(acc > 0.55, "accuracy " + acc);

        // public vocabulary file: covered, no ε for the vocabulary; the model's features are exactly the file's
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "# a public word list\ngood\nbad\nGreat\n\nboring\nfun\nworst\nbest\ngood\n");
        Path pub = dir.resolve("t-public.safetensors");
        CliRun rf = CliRun.run(CoreCommandsTest.concat(base, "--out", pub.toString(), "--vocabulary",
                words.toString()));
        assertEquals(0, rf.code(), rf.toString());
        JsonNode jf = rf.json();
        assertEquals("public_or_fixed", jf.get("preprocessing").asText());
        assertEquals(sgdEps, jf.get("epsilon").asDouble(), 1e-12);
        TextPipeline tf = (TextPipeline) ModelFiles.load(pub);
        assertEquals(List.of("good", "bad", "great", "boring", "fun", "worst", "best"),
                tf.vectorizer().terms());

        // DP vocabulary: its ε and δ are added (basic composition)
        Path dpv = dir.resolve("t-dp.safetensors");
        CliRun rd = CliRun.run(CoreCommandsTest.concat(base, "--out", dpv.toString(), "--vocabulary", "dp",
                "--vocabulary-epsilon", "2", "--vocabulary-delta", "1e-6"));
        assertEquals(0, rd.code(), rd.toString());
        JsonNode jd = rd.json();
        assertEquals("differentially_private", jd.get("preprocessing").asText());
        assertEquals(sgdEps, jd.get("dp_sgd_epsilon").asDouble(), 1e-12);
        assertEquals(2.0, jd.get("vocabulary_epsilon").asDouble(), 0.0);
        assertEquals(sgdEps + 2.0, jd.get("epsilon").asDouble(), 1e-12);
        assertEquals(1e-5 + 1e-6, jd.get("delta").asDouble(), 1e-18);

        // models info: the private vocabulary warns, the public and DP ones only warn about the seeded noise
        JsonNode ip = CliRun.run("models", "info", priv.toString(), "--json").json();
        assertTrue(ip.get("warnings").toString().contains("NOT covered"), ip.get("warnings").toString());
        for (Path p : List.of(pub, dpv)) {
            JsonNode info = CliRun.run("models", "info", p.toString(), "--json").json();
            assertEquals(1, info.get("warnings").size(), info.get("warnings").toString());
            assertTrue(info.get("warnings").get(0).asText().contains("seeded"));
        }
        // models info: epsilon/delta are the composed total; the components list the parts
        JsonNode idp = CliRun.run("models", "info", dpv.toString(), "--json").json();
        JsonNode pj = idp.get("privacy");
        assertEquals(sgdEps + 2.0, pj.get("epsilon").asDouble(), 1e-12);
        assertEquals(1e-5 + 1e-6, pj.get("delta").asDouble(), 1e-18);
        assertFalse(pj.has("epsilon_total"));
        assertEquals("dp-vocabulary", pj.get("components").get(0).get("name").asText());
        assertEquals(2.0, pj.get("components").get(0).get("epsilon").asDouble(), 0.0);
        assertEquals("dp-sgd", pj.get("components").get(1).get("name").asText());
        assertEquals(sgdEps, pj.get("components").get(1).get("epsilon").asDouble(), 1e-12);
        assertTrue(pj.get("components").get(0).get("parameters").get("vocabulary_size").asInt() > 0);
    }

    @Test
    void modelsInfoShowsThePrivacySectionAndWarns() {
        Path out = dir.resolve("info.safetensors");
        CliRun t = CliRun.run(bcLogreg(out, "--insecure-seed", "11"));
        assertEquals(0, t.code(), t.toString());
        JsonNode tj = t.json();
        CliRun human = CliRun.run("models", "info", out.toString());
        assertEquals(0, human.code(), human.toString());
        String o = human.out();
        assertTrue(o.contains("privacy:     epsilon " + Numbers.format(tj.get("epsilon").asDouble()) + " at delta 1e-5, composed total "
                + "(rdp accountant)"), o);
        assertTrue(o.contains("part:      dp-sgd, epsilon " + Numbers.format(tj.get("epsilon").asDouble())), o);
        assertTrue(o.contains("unit:      example; neighbours: add_remove"), o);
        assertTrue(o.contains("sample rate q = " + Numbers.format(tj.get("sample_rate").asDouble()) + ", " + tj.get("steps").asText()
                + " steps"), o);
        assertTrue(o.contains("l2 norm clip C = 1, per-example clipping"), o);
        assertTrue(o.contains("noise multiplier sigma = 1.1, source seeded (not private)"), o);
        assertTrue(o.contains("generator: java.util.SplittableRandom, insecure seed 11; sampler ziggurat-256, 53-bit"),
                o);
        assertTrue(o.contains("WARNING: part of the pipeline is NOT covered by the DP guarantee: preprocessing: "
                + "standardizer"), o);
        assertTrue(o.contains("WARNING: the DP noise was seeded"), o);

        JsonNode j = CliRun.run("models", "info", out.toString(), "--json").json();
        JsonNode pj0 = j.get("privacy");
        assertEquals(tj.get("epsilon").asDouble(), pj0.get("epsilon").asDouble(), 0.0);
        assertEquals(tj.get("steps").asLong(), pj0.get("steps").asLong());
        for (String key : List.of("epsilon", "delta", "accountant", "unit", "relation", "sampling", "steps",
                "noise_multiplier", "l2_norm_clip", "covers", "not_covered", "noise", "components")) {
            assertTrue(pj0.has(key), key + " in " + pj0);
        }
        assertEquals("example", pj0.get("unit").asText());
        assertEquals("add_remove", pj0.get("relation").asText());
        assertEquals("poisson", pj0.get("sampling").asText());
        assertEquals("seeded (not private)", pj0.get("noise").asText());
        assertEquals(1.1, pj0.get("noise_multiplier").asDouble(), 0.0);
        assertEquals(2, j.get("provenance").get("format_version").asInt());
        assertEquals(2, j.get("warnings").size(), j.toString());

        // a non-private model: no privacy section, no warnings
        Path plain = dir.resolve("plain.safetensors");
        assertEquals(0, CliRun.run("train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out",
                plain.toString(), "-q").code());
        JsonNode plainInfo = CliRun.run("models", "info", plain.toString(), "--json").json();
        assertTrue(plainInfo.get("privacy").isNull(), plainInfo.toString());
        assertEquals(0, plainInfo.get("warnings").size());
        assertTrue(CliRun.run("models", "info", plain.toString()).out()
                .contains("privacy:     not trained with differential privacy"));
    }

    /**
     * A model file written before the typed guarantee (privacy as a free map, DP-SGD's ε under "epsilon", the total
     * under "epsilon_total") still loads, and models info reports the total as privacy.epsilon.
     */
    @Test
    void modelsInfoReadsAFileInTheFirstProvenanceForm() throws IOException {
        LinearModel lm = LinearModel.zeros(List.of("a", "b"), List.of("x", "y"));
        org.botsec.core.model.ModelState s = org.botsec.core.io.ModelRegistry.state(lm);
        com.fasterxml.jackson.databind.node.ObjectNode desc = s.description().deepCopy();
        desc.set("provenance", org.botsec.cli.Json.MAPPER.readTree("""
                {"trainer": "dp-sgd/text-logreg", "parameters": {}, "data_sha256": "ab", "seed": 42,
                 "privacy": {"mechanism": "dp-sgd", "epsilon": 1.25, "delta": 1.0E-5, "accountant": "rdp",
                   "privacy_unit": "example", "sample_rate": 0.04, "steps": 188, "l2_norm_clip": 1.0,
                   "noise_multiplier": 1.0, "num_microbatches": "per_example", "sampling": "poisson",
                   "noise_source": "secure_random", "noise_generator": "conscrypt 2.5.2",
                   "preprocessing": "differentially_private", "vocabulary_epsilon": 2.0, "vocabulary_delta": 1.0E-6,
                   "vocabulary_size": 150, "epsilon_total": 3.25, "delta_total": 1.1E-5}}
                """));
        Path old = dir.resolve("old-form.safetensors");
        ModelFiles.write(new org.botsec.core.model.ModelState(s.type(), s.tensors(), desc), old);
        CliRun r = CliRun.run("models", "info", old.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode p = r.json().get("privacy");
        assertEquals(3.25, p.get("epsilon").asDouble(), 0.0);
        assertEquals(1.1e-5, p.get("delta").asDouble(), 0.0);
        assertEquals(1.25, p.get("components").get(0).get("epsilon").asDouble(), 0.0);
        assertEquals("dp-vocabulary", p.get("components").get(1).get("name").asText());
        assertEquals(0, r.json().get("warnings").size(), r.json().toString());
        assertTrue(CliRun.run("models", "info", old.toString()).out()
                .contains("privacy:     epsilon 3.25 at delta 1.1e-5, composed total (rdp accountant)"));
    }

    @Test
    void humanOutputAndProgressBarShowEpsilon() {
        Path out = dir.resolve("human.safetensors");
        String[] a = bcLogreg(out, "--insecure-seed", "1");
        List<String> human = new ArrayList<>(List.of(a));
        human.remove("--json");
        human.remove("-q");
        CliRun r = CliRun.run(human.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("privacy: epsilon "), r.out());
        assertTrue(r.out().contains("noise: insecure-seeded (seed 1; INSECURE"), r.out());
        assertTrue(r.out().contains("WARNING: the feature standardizer"), r.out());
        assertTrue(r.out().contains("accuracy   "), r.out());
        // the bar on stderr ends at the last step with the ε spent after the last epoch
        long steps = (long) Math.ceil(5.0 * BC_TRAIN / 64);
        double eps = privacyEpsilon(BC_TRAIN, 64, 1.1, steps, 1e-5, "rdp");
        assertTrue(r.err().contains(String.format(java.util.Locale.ROOT, "step %d/%d, epsilon %.4f after epoch",
                steps, steps, eps)), r.err());
    }

    @Test
    void budgetStopsTrainingWritesTheLastModelWithinBudgetAndExits3() {
        Path out = dir.resolve("budget.safetensors");
        CliRun r = CliRun.run(bcLogreg(out, "--insecure-seed", "7", "--target-epsilon", "3"));
        assertEquals(3, r.code(), r.toString());
        JsonNode j = r.json();
        long planned = (long) Math.ceil(5.0 * BC_TRAIN / 64);
        long steps = j.get("steps").asLong();
        assertEquals(planned, j.get("steps_planned").asLong());
        assertTrue(steps > 0 && steps < planned, j.toString());
        assertTrue(j.get("stopped_by_budget").asBoolean());
        // the last step within budget: ε(steps) ≤ 3 < ε(steps + 1), both from `botsec privacy epsilon`
        assertEquals(privacyEpsilon(BC_TRAIN, 64, 1.1, steps, 1e-5, "rdp"), j.get("epsilon").asDouble(), 1e-12);
        assertTrue(j.get("epsilon").asDouble() <= 3.0);
        assertTrue(privacyEpsilon(BC_TRAIN, 64, 1.1, steps + 1, 1e-5, "rdp") > 3.0);
        String line = "privacy budget reached: stopped after " + steps + " of " + planned + " planned steps";
        assertTrue(r.err().contains(line), r.err());
        assertTrue(Files.isRegularFile(out), "the model within budget is written");
        PrivacyGuarantee g = ((LinearModel) ModelFiles.load(out)).provenance().orElseThrow().privacy().orElseThrow();
        assertEquals(steps, g.steps());
        assertTrue(g.steps() < planned);
        assertTrue(g.epsilon() <= 3.0);
        assertEquals(true, g.components().get(0).parameters().get("stopped_by_budget"));
        assertEquals(3.0, ((Number) g.components().get(0).parameters().get("target_epsilon")).doubleValue(), 0.0);
        assertEquals(3.0, ((Number) g.components().get(0).parameters().get("target_epsilon_total")).doubleValue(),
                0.0);

        // a budget that is not reached: exit 0
        CliRun ok = CliRun.run(bcLogreg(dir.resolve("roomy.safetensors"), "--target-epsilon", "100"));
        assertEquals(0, ok.code(), ok.toString());
        assertFalse(ok.json().get("stopped_by_budget").asBoolean());
    }

    private void bad(String expected, String... a) {
        Path out = dir.resolve("never.safetensors");
        String[] base = {"train", "--data", "builtin:breast_cancer", "--model", "logreg", "--out", out.toString(),
            "--json", "-q"};
        CliRun r = CliRun.run(CoreCommandsTest.concat(base, a));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(expected), "stderr should contain '" + expected + "': " + r);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
        assertEquals("", r.out(), r.toString());
        assertFalse(Files.exists(out), "no model written");
    }

    @Test
    void badDpInputIsOneLineAndExit2() {
        String[] ok = {"--dp", "--l2-norm-clip", "1.0", "--learning-rate", "0.5", "--delta", "1e-5"};
        bad("--dp needs --l2-norm-clip, --noise-multiplier, --learning-rate and --delta (missing: "
                + "--noise-multiplier)", ok);
        bad("(missing: --l2-norm-clip, --noise-multiplier, --learning-rate, --delta)", "--dp");
        bad("--noise-multiplier must be > 0 and finite (0 adds no noise: epsilon is infinite; train without --dp "
                + "instead), got 0.0", CoreCommandsTest.concat(ok, "--noise-multiplier", "0"));
        bad("--noise-multiplier must be > 0 and finite", CoreCommandsTest.concat(ok, "--noise-multiplier", "-1"));
        bad("got NaN", CoreCommandsTest.concat(ok, "--noise-multiplier", "NaN"));
        String[] sigma = CoreCommandsTest.concat(ok, "--noise-multiplier", "1.1");
        bad("--l2-norm-clip must be > 0 and finite, got 0.0", "--dp", "--l2-norm-clip", "0", "--noise-multiplier",
                "1", "--learning-rate", "0.5", "--delta", "1e-5");
        bad("--delta must be in (0, 1), got 1.5", "--dp", "--l2-norm-clip", "1", "--noise-multiplier", "1",
                "--learning-rate", "0.5", "--delta", "1.5");
        bad("--delta must be in (0, 1), got 0.0", "--dp", "--l2-norm-clip", "1", "--noise-multiplier", "1",
                "--learning-rate", "0.5", "--delta", "0");
        bad("--delta 0.01 is >= 1/N = 0.00219298 for N = 456 training examples", "--dp", "--l2-norm-clip", "1",
                "--noise-multiplier", "1", "--learning-rate", "0.5", "--delta", "0.01");
        bad("--batch-size 1000 is larger than the training data (456 examples)",
                CoreCommandsTest.concat(sigma, "--batch-size", "1000"));
        bad("--num-microbatches 5 does not divide --batch-size 64",
                CoreCommandsTest.concat(sigma, "--batch-size", "64", "--num-microbatches", "5"));
        bad("--num-microbatches must be >= 1, got 0", CoreCommandsTest.concat(sigma, "--num-microbatches", "0"));
        bad("--epochs must be >= 1, got 0", CoreCommandsTest.concat(sigma, "--epochs", "0"));
        bad("target epsilon 0.01 is unreachable: a single step (noise multiplier 1.1, sample rate 0.140351) "
                + "already spends epsilon", CoreCommandsTest.concat(sigma, "--target-epsilon", "0.01"));
        bad("--target-epsilon must be > 0 and finite, got -1.0", CoreCommandsTest.concat(sigma, "--target-epsilon",
                "-1"));
        bad("--optimizer must be sgd, momentum or adam, got 'rmsprop'",
                CoreCommandsTest.concat(sigma, "--optimizer", "rmsprop"));
        bad("--momentum applies with --optimizer momentum", CoreCommandsTest.concat(sigma, "--momentum", "0.5"));
        bad("accountant must be rdp or pld, got moments", CoreCommandsTest.concat(sigma, "--accountant", "moments"));
        bad("--c applies to the non-private logreg, softmax and text-logreg; DP-SGD trains without an L2 penalty",
                CoreCommandsTest.concat(sigma, "--c", "2"));
        bad("--vocabulary applies to --model text-logreg, not to logreg",
                CoreCommandsTest.concat(sigma, "--vocabulary", "dp"));
        bad("--insecure-seed only applies with --dp", "--insecure-seed", "1");
        bad("--target-epsilon only applies with --dp", "--target-epsilon", "1");
    }

    @Test
    void badDpTextInput() throws IOException {
        Path out = dir.resolve("never.safetensors");
        String[] base = {"train", "--data", "builtin:sentiment_sentences", "--model", "text-logreg", "--out",
            out.toString(), "--dp", "--l2-norm-clip", "1", "--noise-multiplier", "1", "--learning-rate", "1",
            "--delta", "1e-5", "-q"};
        CliRun r = CliRun.run(CoreCommandsTest.concat(base, "--vocabulary", "dp", "--vocabulary-epsilon", "2",
                "--target-epsilon", "1.5"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("target epsilon 1.5 is unreachable: the DP vocabulary alone spends "
                + "epsilon 2.0 (the budget is the composed total)"), r.err());
        r = CliRun.run(CoreCommandsTest.concat(base, "--vocabulary", dir.resolve("none.txt").toString()));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("none.txt: file not found"), r.err());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# nothing\n\n");
        r = CliRun.run(CoreCommandsTest.concat(base, "--vocabulary", empty.toString()));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("has no terms"), r.err());
        r = CliRun.run(CoreCommandsTest.concat(base, "--vocabulary-epsilon", "1"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--vocabulary-epsilon applies with --vocabulary dp"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aModelWithoutPerExampleGradientsIsNamed() {
        // every --model of the CLI has per-example gradients; the check the CLI relies on names what it found
        Model text = new TextPipeline(new org.botsec.core.text.TfidfVectorizer(List.of("a"), new double[] {1.0}),
                LinearModel.zeros(List.of("a"), List.of("x", "y")));
        BadInputException e = assertThrows(BadInputException.class,
                () -> DpTraining.requirePerExampleGradients(text));
        assertEquals("DP-SGD needs a model with per-example gradients for clipping; TextPipeline has none",
                e.getMessage());
    }
}
