package org.botsec.cli.core;

import org.botsec.core.math.Numbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.botsec.cli.ProgressBar;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.data.TextDataset;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.rand.Randomness;
import org.botsec.privacy.DpOptimizer;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpResult;
import org.botsec.privacy.DpSgdConfig;
import org.botsec.privacy.DpVocabulary;
import org.botsec.privacy.Preprocessing;
import org.botsec.privacy.PreprocessingPrivacy;
import org.botsec.privacy.PrivateTraining;
import org.botsec.privacy.TextVocabulary;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacySpent;

/**
 * {@code botsec train --dp}: builds a {@link DpSgdConfig} and a {@link Preprocessing} choice from the validated
 * flags and trains the chosen model from scratch with {@link PrivateTraining}, which returns the model with its
 * {@link PrivacyGuarantee} in the provenance. The privacy logic (composition, budget, what is covered) is the
 * library's; this class only checks the flags against the loaded data (δ &lt; 1/N, batch ≤ N, microbatches), wires
 * the progress bar and renders the report.
 */
final class DpTrainingSupport {
    static final int DEFAULT_MAX_TERMS = 2000;
    static final int DEFAULT_MAX_TOKENS_PER_DOCUMENT = 20;
    static final double DEFAULT_VOCABULARY_EPSILON = 1.0;
    static final double DEFAULT_MOMENTUM = 0.9;
    private static final long MAX_VOCABULARY_FILE_BYTES = 16L << 20;

    private DpTrainingSupport() {
    }

    /** Where the text model's vocabulary comes from. */
    enum VocabularySource { PRIVATE, DP, FILE }

    /**
     * The text vocabulary choice.
     *
     * @param source               private data (not covered), a DP selection, or a public file
     * @param file                 the public vocabulary file (one term per line) for {@code FILE}
     * @param epsilon              ε of the DP selection
     * @param delta                δ of the DP selection, or NaN to use DP-SGD's δ
     * @param maxTokensPerDocument k of the DP selection
     * @param maxTerms             at most this many terms
     */
    record Vocabulary(VocabularySource source, Path file, double epsilon, double delta, int maxTokensPerDocument,
                      int maxTerms) {
    }

    /**
     * Validated {@code --dp} flags (ranges checked; checks against the data happen in {@link #config}).
     *
     * @param publicScaler a standardiser from public data or fixed bounds ({@code --scaler FILE}), or null
     * @param vocabulary   the text vocabulary choice; null for numeric models
     */
    record Options(double l2NormClip, double noiseMultiplier, Integer numMicrobatches, double delta,
                   Double targetEpsilon, DpOptimizer optimizer, double momentum, AccountantType accountant,
                   Long insecureSeed, Path publicScaler, Vocabulary vocabulary) {
    }

    /** A model trained with DP-SGD and what to report about it. */
    record Trained(Model model, TrainCommand.DpReport report) {
    }

    // ---- numeric models -------------------------------------------------------------------------------------

    static Trained numeric(Training.Request r, Dataset train, String split, ProgressBar bar) {
        Options o = r.dp();
        DpSgdConfig config = config(r, train.size());
        Preprocessing preprocessing = Preprocessing.none();
        PerExampleGradients model;
        List<String> warnings = new ArrayList<>();
        switch (r.kind()) {
            case LOGREG, SOFTMAX -> {
                model = LinearModel.zeros(train.featureNames(), train.classNames());
                if (o.publicScaler() != null) {
                    preprocessing = Preprocessing.publicScaler(readScaler(o.publicScaler(), train.featureNames()),
                            "the public file " + o.publicScaler().getFileName());
                } else if (r.standardize()) {
                    preprocessing = Preprocessing.scalerFittedOnPrivateData();
                    warnings.add("the feature standardizer (mean and scale of every feature) was fitted on the "
                            + "private training data and is stored in the model without noise: it is NOT covered by "
                            + "the DP guarantee; give --scaler FILE (mean and scale from public data or fixed bounds) or "
                            + "--no-standardize");
                }
            }
            case MLP -> model = Mlp.create(Training.mlpSizes(r, train), train.featureNames(), train.classNames(),
                    Randomness.replayable(r.seed()));
            default -> throw new IllegalStateException("not a numeric model: " + r.kind());
        }
        Map<String, Object> params = Training.baseParameters(r, split);
        if (r.kind() == ModelKind.LOGREG || r.kind() == ModelKind.SOFTMAX) {
            params.put("standardize", o.publicScaler() != null ? "public scaler file" : r.standardize());
        }
        PrivateTraining.Trained<PerExampleGradients> t;
        try {
            t = facade(r, config, preprocessing, params, bar).train(model, train);
        } finally {
            bar.finish();
        }
        return new Trained((Model) t.model(), report(r, config, t, preprocessing.privacy(), warnings));
    }

    // ---- text ---------------------------------------------------------------------------------------------------

    static Trained text(Training.Request r, TextDataset train, String split, ProgressBar bar) {
        Options o = r.dp();
        Vocabulary v = o.vocabulary();
        TextVocabulary vocabulary;
        switch (v.source()) {
            case PRIVATE -> vocabulary = new TextVocabulary.FittedOnPrivateData(v.maxTerms());
            case FILE -> vocabulary = new TextVocabulary.Public(readVocabulary(v.file(), v.maxTerms()));
            case DP -> {
                double vd = Double.isNaN(v.delta()) ? o.delta() : v.delta();
                checkDelta(vd, train.size(), "--vocabulary-delta");
                vocabulary = new TextVocabulary.DifferentiallyPrivate(v.epsilon(), vd, v.maxTokensPerDocument(),
                        v.maxTerms());
            }
            default -> throw new IllegalStateException(v.source().name());
        }
        DpSgdConfig config = config(r, train.size());
        Map<String, Object> params = Training.baseParameters(r, split);
        params.put("vocabulary_source", v.source() == VocabularySource.FILE
                ? "public file " + v.file().getFileName() : v.source().name().toLowerCase(Locale.ROOT));
        PrivateTraining.Trained<TextPipeline> t;
        try {
            t = facade(r, config, vocabulary, params, bar).train(train);
        } finally {
            bar.finish();
        }
        List<String> warnings = new ArrayList<>();
        if (v.source() == VocabularySource.PRIVATE) {
            warnings.add("the vocabulary (the most frequent terms of the private training texts) is stored in the "
                    + "model without noise: it is NOT covered by the DP guarantee; use --vocabulary dp or "
                    + "--vocabulary FILE (a public word list)");
        }
        return new Trained(t.model(), report(r, config, t, vocabulary.privacy(), warnings));
    }

    private static PrivateTraining facade(Training.Request r, DpSgdConfig config, Preprocessing preprocessing,
                                          Map<String, Object> params, ProgressBar bar) {
        return PrivateTraining.builder().config(config).preprocessing(preprocessing).listener(listener(bar))
                .trainer("dp-sgd/" + r.kind().cliName()).parameters(params).seed(r.seed()).build();
    }

    /** Public vocabulary file: one term per line (lower-cased as the tokenizer does), blank and # lines skipped. */
    static List<String> readVocabulary(Path file, int maxTerms) {
        try {
            if (!Files.isRegularFile(file)) {
                throw BadInputException.of("--vocabulary %s: file not found (give private, dp or a file with one "
                        + "term per line)", file);
            }
            if (Files.size(file) > MAX_VOCABULARY_FILE_BYTES) {
                throw BadInputException.of("--vocabulary %s is larger than %d bytes", file, MAX_VOCABULARY_FILE_BYTES);
            }
            LinkedHashSet<String> terms = new LinkedHashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.startsWith("#") && terms.size() < maxTerms) {
                    terms.add(t);
                }
            }
            if (terms.isEmpty()) {
                throw BadInputException.of("--vocabulary %s has no terms (one term per line)", file);
            }
            return new ArrayList<>(terms);
        } catch (java.nio.charset.MalformedInputException e) {
            throw BadInputException.of("--vocabulary %s is not UTF-8 text", file);
        } catch (IOException e) {
            throw BadInputException.of("--vocabulary %s cannot be read: %s", file, e.getMessage());
        }
    }

    /**
     * A public standardiser: JSON {@code {"mean": [...], "scale": [...], "feature_names": [...]}} (feature names
     * optional; when given they must be the data's, in order), one finite mean and one scale &gt; 0 per feature.
     * Fixed bounds [lo, hi] are {@code mean = lo, scale = hi - lo}.
     */
    static Standardizer readScaler(Path file, List<String> featureNames) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw BadInputException.of("--scaler %s: file not found", file);
            }
            if (Files.size(file) > MAX_VOCABULARY_FILE_BYTES) {
                throw BadInputException.of("--scaler %s is larger than %d bytes", file, MAX_VOCABULARY_FILE_BYTES);
            }
            root = org.botsec.cli.Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw BadInputException.of("--scaler %s is not valid JSON: %s", file,
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                            : e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw BadInputException.of("--scaler %s must be a JSON object {\"mean\": [...], \"scale\": [...]}", file);
        }
        for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of("mean", "scale", "feature_names").contains(k)) {
                throw BadInputException.of("--scaler %s: unknown field '%s' (allowed: mean, scale, feature_names)",
                        file, k);
            }
        }
        int d = featureNames.size();
        if (root.has("feature_names")) {
            List<String> names = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode n : root.get("feature_names")) {
                names.add(n.asText());
            }
            if (!names.equals(featureNames)) {
                throw BadInputException.of("--scaler %s: feature_names %s are not the data's features %s", file,
                        names.size() <= 10 ? names : names.size() + " names", d <= 10 ? featureNames : d + " names");
            }
        }
        double[] mean = numbers(root, "mean", d, file);
        double[] scale = numbers(root, "scale", d, file);
        for (int j = 0; j < d; j++) {
            if (!(scale[j] > 0)) {
                throw BadInputException.of("--scaler %s: scale[%d] must be > 0, got %s", file, j, scale[j]);
            }
        }
        return Standardizer.of(mean, scale);
    }

    private static double[] numbers(com.fasterxml.jackson.databind.JsonNode root, String key, int d, Path file) {
        com.fasterxml.jackson.databind.JsonNode a = root.get(key);
        if (a == null || !a.isArray() || a.size() != d) {
            throw BadInputException.of("--scaler %s: '%s' must be an array of %d numbers (one per feature), got %s",
                    file, key, d, a == null ? "none" : a.isArray() ? a.size() + " values" : a.getNodeType());
        }
        double[] out = new double[d];
        for (int j = 0; j < d; j++) {
            if (!a.get(j).isNumber() || !Double.isFinite(a.get(j).asDouble())) {
                throw BadInputException.of("--scaler %s: %s[%d] is not a finite number: %s", file, key, j, a.get(j));
            }
            out[j] = a.get(j).asDouble();
        }
        return out;
    }

    // ---- shared -------------------------------------------------------------------------------------------------

    /**
     * The library configuration, after the flag checks that need the training set's size N: δ &lt; 1/N, B ≤ N and
     * microbatches that divide B. Whether a budget can be met is the library's to say ({@link PrivateTraining}): the
     * budget is the composed total.
     */
    static DpSgdConfig config(Training.Request r, int n) {
        Options o = r.dp();
        if (r.batchSize() > n) {
            throw BadInputException.of("--batch-size %d is larger than the training data (%d examples)",
                    r.batchSize(), n);
        }
        if (o.numMicrobatches() != null && o.numMicrobatches() > r.batchSize()) {
            throw BadInputException.of("--num-microbatches %d is larger than --batch-size %d", o.numMicrobatches(),
                    r.batchSize());
        }
        if (o.numMicrobatches() != null && r.batchSize() % o.numMicrobatches() != 0) {
            throw BadInputException.of("--num-microbatches %d does not divide --batch-size %d", o.numMicrobatches(),
                    r.batchSize());
        }
        checkDelta(o.delta(), n, "--delta");
        DpSgdConfig.Builder b = DpSgdConfig.builder()
                .l2NormClip(o.l2NormClip())
                .noiseMultiplier(o.noiseMultiplier())
                .learningRate(r.learningRate())
                .batchSize(r.batchSize())
                .epochs(r.epochs())
                .delta(o.delta())
                .accountant(o.accountant());
        if (o.numMicrobatches() != null) {
            b.numMicrobatches(o.numMicrobatches());
        }
        switch (o.optimizer()) {
            case SGD -> b.sgd();
            case MOMENTUM -> b.momentum(o.momentum());
            case ADAM -> b.adam();
            default -> throw new IllegalStateException(o.optimizer().name());
        }
        if (o.targetEpsilon() != null) {
            b.targetEpsilon(o.targetEpsilon());
        }
        if (o.insecureSeed() != null) {
            b.insecureSeed(o.insecureSeed());
        }
        return b.build();
    }

    private static void checkDelta(double delta, int n, String flag) {
        if (delta >= 1.0 / n) {
            throw BadInputException.of("%s %s is >= 1/N = %s for N = %d training examples: such a guarantee is "
                    + "meaningless (it allows publishing a whole example); use a delta well below 1/N", flag, delta,
                    fmt(1.0 / n), n);
        }
    }

    /** Progress: steps done of those that fit the budget, the epoch, and ε spent so far (updated per epoch). */
    private static DpProgressListener listener(ProgressBar bar) {
        return new DpProgressListener() {
            private double epsilon;
            private long epoch;
            private long step;
            private long total;

            @Override
            public void onStep(long s, long totalSteps) {
                step = s;
                total = totalSteps;
                draw();
            }

            @Override
            public void onEpoch(long e, PrivacySpent spentSoFar) {
                epoch = e;
                epsilon = spentSoFar.epsilon();
                draw();
            }

            private void draw() {
                bar.update(step, total, epoch == 0
                        ? String.format(Locale.ROOT, "step %d/%d, first epoch", step, total)
                        : String.format(Locale.ROOT, "step %d/%d, epsilon %.4f after epoch %d", step, total, epsilon,
                                epoch));
            }
        };
    }

    /** What {@code train --dp} prints, read off the guarantee (ε and δ are its composed total). */
    private static TrainCommand.DpReport report(Training.Request r, DpSgdConfig config, PrivateTraining.Trained<?> t,
                                                PreprocessingPrivacy preprocessing, List<String> warnings) {
        Options o = r.dp();
        PrivacyGuarantee g = t.guarantee();
        DpResult result = t.dpSgd();
        Double vocabularyEpsilon = t.vocabulary().map(DpVocabulary.Result::epsilon).orElse(null);
        List<String> all = new ArrayList<>(warnings);
        if (!g.noise().secure()) {
            all.add("DP noise and sampling were seeded with --insecure-seed " + o.insecureSeed() + ": anyone who "
                    + "knows the seed can remove the noise; do not ship this model");
        }
        return new TrainCommand.DpReport(g.epsilon(), g.delta(), g.accountant().label(), g.sampleRate(), g.steps(),
                result.stepsPlanned(), g.noiseMultiplier(), g.l2NormClip(),
                result.numMicrobatches().isPresent() ? result.numMicrobatches().getAsInt() : null,
                config.optimizer().name().toLowerCase(Locale.ROOT), config.learningRate(), config.batchSize(),
                o.targetEpsilon(), o.targetEpsilon() == null ? null : result.stoppedByBudget(),
                g.noise().secure() ? "secure-random" : "insecure-seeded", o.insecureSeed(), preprocessing.label(),
                vocabularyEpsilon == null ? null : result.spent().epsilon(), vocabularyEpsilon, List.copyOf(all));
    }

    static String fmt(double v) {
        return Numbers.format(v);
    }
}
