package org.botsec.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Standardizer;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;
import org.botsec.core.text.TfidfVectorizer;
import org.botsec.core.text.Tokenizer;
import org.botsec.privacy.accountant.AccountantType;
import org.botsec.privacy.accountant.PrivacyAccountant;
import org.botsec.privacy.accountant.PrivacySpent;

/**
 * The one way to train privately and get a stated guarantee (in the spirit of Opacus's {@code PrivacyEngine}):
 * give the DP-SGD configuration, the preprocessing choice and the budget; {@link #train(PerExampleGradients,
 * Dataset)} or {@link #train(TextDataset)} trains from the caller's model (or a text pipeline it builds) and returns
 * it with a typed {@link PrivacyGuarantee} in its {@link Provenance}. {@code botsec train --dp} calls this; the
 * guarantee is what {@code botsec models info} renders.
 * <pre>{@code
 * PrivateTraining.Trained<Mlp> t = PrivateTraining.builder()
 *         .config(DpSgdConfig.builder().l2NormClip(1).noiseMultiplier(1.1).learningRate(0.1)
 *                 .batchSize(64).epochs(20).delta(1e-5).targetEpsilon(3).build())
 *         .preprocessing(Preprocessing.none())
 *         .build()
 *         .train(Mlp.create(sizes, features, classes, Randomness.replayable(1)), trainSet);
 * PrivacyGuarantee g = t.guarantee();       // composed total (ε, δ), unit, relation, sampling, σ, C, covers, ...
 * }</pre>
 *
 * <p><b>The guarantee.</b> Privacy unit: one example (one row, one document); relation: add or remove one example;
 * sampling: as configured (Poisson is what the accountants assume; shuffling is listed as not covered). Its
 * {@code epsilon}/{@code delta} are the composed total over its components — DP-SGD and, for a DP vocabulary, the
 * vocabulary selection — by basic composition (ε and δ add; valid for any mechanisms run on the same data; tighter
 * composition is possible but not claimed). Preprocessing fitted on the private data is named under
 * {@code notCovered}; seeded noise ({@link DpSgdConfig.Builder#insecureSeed}) makes the noise source
 * {@code seeded (not private)}.
 *
 * <p><b>Budget.</b> {@link DpSgdConfig#targetEpsilon()} is the composed total: the DP vocabulary's ε is spent first
 * and DP-SGD gets the rest, so that the total never exceeds the target; a target that the preprocessing alone, or a
 * single DP-SGD step, already exceeds is refused before training.
 *
 * <p>Instances are immutable; {@code train} mutates the model it is given (one model, one thread).
 */
public final class PrivateTraining {
    /** What the guarantee covers in every private run. */
    static final String COVERS_DP_SGD = "DP-SGD training of the model's parameters";

    private final DpSgdConfig config;
    private final Preprocessing preprocessing;
    private final DpProgressListener listener;
    private final String trainer;
    private final Map<String, Object> parameters;
    private final Long seed;

    private PrivateTraining(Builder b) {
        this.config = b.config;
        this.preprocessing = b.preprocessing;
        this.listener = b.listener == null ? DpProgressListener.none() : b.listener;
        this.trainer = b.trainer;
        this.parameters = b.parameters == null ? Map.of() : b.parameters;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A privately trained model.
     *
     * @param model      the trained model, with {@link #provenance()} attached where its type keeps provenance
     *                   ({@link LinearModel}, {@link Mlp}, {@link TextPipeline})
     * @param provenance how it was made, with the guarantee
     * @param dpSgd      what DP-SGD spent and how
     * @param vocabulary the DP vocabulary selection, when one was made
     * @param <M>        the model type
     */
    public record Trained<M>(M model, Provenance provenance, DpResult dpSgd, Optional<DpVocabulary.Result> vocabulary) {
        public Trained {
            Objects.requireNonNull(provenance.privacy().orElse(null), "a private run has a guarantee");
        }

        /** The model's privacy guarantee (composed total and its components). */
        public PrivacyGuarantee guarantee() {
            return provenance.privacy().orElseThrow();
        }
    }

    /**
     * Trains {@code model} (numeric features) with DP-SGD. A {@link LinearModel} gets the configured scaler in
     * front; other models need {@link Preprocessing#none()}.
     *
     * @throws BadInputException when data, model, preprocessing and configuration do not fit together
     */
    @SuppressWarnings("unchecked")
    public <M extends PerExampleGradients> Trained<M> train(M model, Dataset data) {
        if (model == null) {
            throw BadInputException.of("DP-SGD needs a model with per-example gradients, got null");
        }
        if (preprocessing instanceof TextVocabulary) {
            throw BadInputException.of("a text vocabulary applies to text data; numeric data needs none(), a public "
                    + "scaler or a scaler fitted on the private data");
        }
        PerExampleGradients trained = model;
        List<String> covers = new ArrayList<>(List.of(COVERS_DP_SGD));
        List<String> notCovered = new ArrayList<>();
        if (model instanceof LinearModel lm && lm.scaler().isPresent()) {
            throw BadInputException.of("the model already has a standardizer: give it through preprocessing "
                    + "(publicScaler or scalerFittedOnPrivateData) so that the guarantee can state it");
        }
        if (preprocessing instanceof Preprocessing.None) {
            covers.add("preprocessing: none (inputs used as given, nothing fitted on the data)");
        } else if (preprocessing instanceof Preprocessing.PublicScaler p) {
            trained = requireLinear(model).withScaler(Optional.of(p.scaler()));
            covers.add("preprocessing: standardizer (mean, scale) from " + p.source());
        } else {
            trained = requireLinear(model).withScaler(Optional.of(Standardizer.fit(data.x())));
            notCovered.add("preprocessing: standardizer (mean, scale) fitted on the private training data, stored "
                    + "in the model without noise");
        }
        OptionalDouble sgdBudget = sgdBudget(0, data.size());
        DpResult result = DpTraining.train(trained, data.x(), data.y(), config, sgdBudget, listener);
        Provenance prov = provenance(trained, data.sha256())
                .withPrivacy(guarantee(result, Optional.empty(), covers, notCovered));
        Object out = trained;
        if (trained instanceof LinearModel lm) {
            out = lm.withProvenance(prov);
        } else if (trained instanceof Mlp mlp) {
            out = mlp.withProvenance(prov);
        }
        return new Trained<>((M) out, prov, result, Optional.empty());
    }

    /**
     * Trains the text pipeline (TF-IDF features with idf fixed to 1 → logistic regression) with DP-SGD and the
     * configured {@link TextVocabulary}. The idf is never fitted on the private texts (it would leak document
     * frequencies): every term gets idf 1, i.e. l2-normalised term counts, which costs no privacy. Features are
     * dense (n × vocabulary), so vocabularies are capped.
     */
    public Trained<TextPipeline> train(TextDataset data) {
        if (!(preprocessing instanceof TextVocabulary vocabulary)) {
            throw BadInputException.of("text data needs a TextVocabulary as preprocessing (public, "
                    + "differentially private, or fitted on the private data), got %s",
                    preprocessing.getClass().getSimpleName());
        }
        if (data.size() == 0) {
            throw BadInputException.of("training data is empty");
        }
        Tokenizer tokenizer = Tokenizer.standard();
        List<String> covers = new ArrayList<>(List.of(COVERS_DP_SGD));
        List<String> notCovered = new ArrayList<>();
        List<String> terms;
        Optional<DpVocabulary.Result> dpVocab = Optional.empty();
        OptionalDouble sgdBudget;
        if (vocabulary instanceof TextVocabulary.Public p) {
            terms = new ArrayList<>(new LinkedHashSet<>(p.terms()));
            covers.add("vocabulary: public list of " + terms.size() + " terms (costs no epsilon)");
            sgdBudget = sgdBudget(0, data.size());
        } else if (vocabulary instanceof TextVocabulary.DifferentiallyPrivate d) {
            checkDelta(d.delta(), data.size(), "vocabulary delta");
            // spend the vocabulary's ε first: check the budget before selecting anything
            sgdBudget = sgdBudget(d.epsilon(), data.size());
            List<List<String>> docs = new ArrayList<>(data.size());
            for (String t : data.texts()) {
                docs.add(tokenizer.tokenize(t));
            }
            DpVocabulary.Result r = config.insecureSeed().isPresent()
                    ? DpVocabulary.selectWithInsecureSeed(docs, d.epsilon(), d.delta(), d.maxTokensPerDocument(),
                            config.insecureSeed().getAsLong() + 1)
                    : DpVocabulary.select(docs, d.epsilon(), d.delta(), d.maxTokensPerDocument());
            dpVocab = Optional.of(r);
            terms = r.tokens().subList(0, Math.min(d.maxTerms(), r.tokens().size()));
            covers.add("vocabulary: selected with differential privacy (Gaussian thresholding; its epsilon is in "
                    + "the total)");
        } else {
            TextVocabulary.FittedOnPrivateData f = (TextVocabulary.FittedOnPrivateData) vocabulary;
            sgdBudget = sgdBudget(0, data.size());
            Map<String, Integer> df = new HashMap<>();
            for (String t : data.texts()) {
                for (String tok : new LinkedHashSet<>(tokenizer.tokenize(t))) {
                    df.merge(tok, 1, Integer::sum);
                }
            }
            terms = new ArrayList<>(df.keySet());
            terms.sort((a, b) -> df.get(b).equals(df.get(a)) ? a.compareTo(b) : df.get(b) - df.get(a));
            terms = terms.subList(0, Math.min(f.maxTerms(), terms.size()));
            notCovered.add("vocabulary: the " + terms.size() + " most frequent terms of the private training texts, "
                    + "stored in the model without noise");
        }
        if (terms.isEmpty()) {
            throw BadInputException.of("the vocabulary is empty (a DP vocabulary on little data may release no "
                    + "term: use more data, a larger vocabulary epsilon, or a public vocabulary)");
        }
        covers.add("idf: fixed to 1 (not fitted on the private data)");
        double[] idf = new double[terms.size()];
        Arrays.fill(idf, 1.0);
        TfidfVectorizer vectorizer = new TfidfVectorizer(terms, idf);
        Matrix x = vectorizer.transform(data.texts());
        LinearModel model = LinearModel.zeros(terms, data.classNames());
        DpResult result = DpTraining.train(model, x, data.y(), config, sgdBudget, listener);
        Provenance prov = provenance(model, data.sha256()).withPrivacy(guarantee(result, dpVocab, covers, notCovered));
        TextPipeline pipeline = new TextPipeline(vectorizer, model.withProvenance(prov));
        return new Trained<>(pipeline, prov, result, dpVocab);
    }

    /**
     * DP-SGD's share of the budget after the preprocessing spent {@code preprocessingEpsilon}, checked against the
     * data: the target must leave room for at least one DP-SGD step.
     */
    private OptionalDouble sgdBudget(double preprocessingEpsilon, int n) {
        if (config.targetEpsilon().isEmpty()) {
            return OptionalDouble.empty();
        }
        double target = config.targetEpsilon().getAsDouble();
        if (!(target > preprocessingEpsilon)) {
            throw BadInputException.of("target epsilon %s is unreachable: the DP vocabulary alone spends epsilon %s "
                    + "(the budget is the composed total); raise the target or lower the vocabulary epsilon", target,
                    preprocessingEpsilon);
        }
        double rest = target - preprocessingEpsilon;
        if (n > 0 && config.batchSize() <= n) {
            double q = (double) config.batchSize() / n;
            PrivacySpent one = PrivacyAccountant.epsilon(config.accountant(), config.accountingNoiseMultiplier(), q, 1,
                    config.delta());
            if (one.epsilon() > rest) {
                throw BadInputException.of("target epsilon %s is unreachable: a single step (noise multiplier %s, "
                        + "sample rate %s) already spends epsilon %s at delta %s%s; raise the noise multiplier or the "
                        + "target", target, config.noiseMultiplier(), fmt(q), fmt(one.epsilon()), config.delta(),
                        preprocessingEpsilon > 0 ? " on top of the vocabulary's " + preprocessingEpsilon : "");
            }
        }
        return OptionalDouble.of(rest);
    }

    private static void checkDelta(double delta, int n, String what) {
        if (delta >= 1.0 / n) {
            throw BadInputException.of("%s %s is >= 1/n = %s for %d examples: such a guarantee is meaningless; use a "
                    + "delta well below 1/n", what, delta, fmt(1.0 / n), n);
        }
    }

    private PrivacyGuarantee guarantee(DpResult r, Optional<DpVocabulary.Result> vocabulary, List<String> covers,
                                       List<String> notCovered) {
        List<PrivacyGuarantee.Component> components = new ArrayList<>();
        vocabulary.ifPresent(v -> components.add(v.component()));
        PrivacyGuarantee.Component sgd = r.component();
        if (config.targetEpsilon().isPresent()) {
            // the component's target_epsilon is DP-SGD's share; the budget the caller set is for the total
            Map<String, Object> params = new LinkedHashMap<>(sgd.parameters());
            params.put("target_epsilon_total", config.targetEpsilon().getAsDouble());
            sgd = new PrivacyGuarantee.Component(sgd.name(), sgd.epsilon(), sgd.delta(), params);
        }
        components.add(sgd);
        double epsilon = 0;
        double delta = 0;
        for (PrivacyGuarantee.Component c : components) {
            epsilon += c.epsilon();
            delta += c.delta();
        }
        List<String> uncovered = new ArrayList<>(notCovered);
        if (!r.accountedSamplingMatches()) {
            uncovered.add("sampling: batches were shuffled, but the accountant assumes Poisson sampling; epsilon is "
                    + "not a proven bound for this run");
        }
        PrivacyGuarantee.Noise noise = r.noise();
        if (vocabulary.isPresent() && !vocabulary.get().noise().secure()) {
            noise = vocabulary.get().noise();
        }
        return new PrivacyGuarantee(epsilon, delta, accountant(r.spent().accountant()), PrivacyGuarantee.Unit.EXAMPLE,
                PrivacyGuarantee.Relation.ADD_REMOVE, r.sampling() == Sampling.POISSON
                        ? PrivacyGuarantee.Sampling.POISSON : PrivacyGuarantee.Sampling.SHUFFLE,
                r.sampleRate(), r.stepsTaken(), r.noiseMultiplier(), r.l2NormClip(), covers, uncovered, noise,
                components);
    }

    private static PrivacyGuarantee.Accountant accountant(AccountantType t) {
        return switch (t) {
            case RDP -> PrivacyGuarantee.Accountant.RDP;
            case PLD -> PrivacyGuarantee.Accountant.PLD;
        };
    }

    private Provenance provenance(Object model, String sha256) {
        Map<String, Object> p = new LinkedHashMap<>(parameters);
        p.put("learning_rate", config.learningRate());
        config.epochs().ifPresent(e -> p.put("epochs", e));
        config.steps().ifPresent(s -> p.put("steps", s));
        p.put("batch_size", config.batchSize());
        p.put("optimizer", config.optimizer().name().toLowerCase(Locale.ROOT));
        if (config.optimizer() == DpOptimizer.MOMENTUM) {
            p.put("momentum", config.momentum());
        }
        String name = trainer != null ? trainer : "dp-sgd/" + model.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return Provenance.of(name, p, sha256 == null ? "" : sha256, seed);
    }

    private static LinearModel requireLinear(Object model) {
        if (model instanceof LinearModel lm) {
            return lm;
        }
        throw BadInputException.of("a scaler applies to a LinearModel; %s takes its inputs as given (use "
                + "Preprocessing.none())", model.getClass().getSimpleName());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** Builds a {@link PrivateTraining}; every setting at most once; not thread-safe. */
    public static final class Builder {
        private DpSgdConfig config;
        private Preprocessing preprocessing;
        private DpProgressListener listener;
        private String trainer;
        private Map<String, Object> parameters;
        private Long seed;
        private boolean seedSet;

        private Builder() {
        }

        /** The DP-SGD configuration; its {@code targetEpsilon} is the budget for the composed total. Required. */
        public Builder config(DpSgdConfig c) {
            once(config != null, "config");
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** The preprocessing (numeric: none, public scaler, scaler fitted on the private data; text: a vocabulary). Required. */
        public Builder preprocessing(Preprocessing p) {
            once(preprocessing != null, "preprocessing");
            preprocessing = Objects.requireNonNull(p, "preprocessing");
            return this;
        }

        /** Progress callback (steps, ε per epoch); default none. */
        public Builder listener(DpProgressListener l) {
            once(listener != null, "listener");
            listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** The trainer name recorded in provenance (default {@code dp-sgd/<model class>}). */
        public Builder trainer(String name) {
            once(trainer != null, "trainer");
            trainer = Objects.requireNonNull(name, "trainer");
            return this;
        }

        /** Extra provenance parameters (JSON-friendly values), e.g. where the data came from. */
        public Builder parameters(Map<String, Object> p) {
            once(parameters != null, "parameters");
            parameters = new LinkedHashMap<>(p);
            return this;
        }

        /** The seed of the caller's own replayable choices (e.g. weight initialisation), recorded in provenance. */
        public Builder seed(long s) {
            once(seedSet, "seed");
            seed = s;
            seedSet = true;
            return this;
        }

        public PrivateTraining build() {
            if (config == null) {
                throw BadInputException.of("PrivateTraining needs a DpSgdConfig (config)");
            }
            if (preprocessing == null) {
                throw BadInputException.of("PrivateTraining needs a preprocessing choice: Preprocessing.none(), "
                        + "publicScaler(...), scalerFittedOnPrivateData() or a TextVocabulary");
            }
            if (config.noiseMultiplier() == 0) {
                throw BadInputException.of("noise multiplier 0 adds no noise: epsilon is infinite and there is no "
                        + "guarantee to state; train without DP instead");
            }
            return new PrivateTraining(this);
        }

        private static void once(boolean set, String name) {
            if (set) {
                throw BadInputException.of("%s was already set", name);
            }
        }
    }
}
