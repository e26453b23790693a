package org.botsec.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.data.TextDataset;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.rand.Randomness;
import org.botsec.core.text.TfidfVectorizer;
import org.botsec.core.text.Tokenizer;

/**
 * DP-SGD for the text pipeline (TF-IDF features → logistic regression) with a vocabulary whose privacy is
 * stated: public, differentially private, or fitted on the private data (not covered). The idf is NOT fitted on
 * the private texts (that would leak document frequencies): every term gets idf 1, i.e. the features are
 * l2-normalised term counts, which costs no privacy. Features are dense (n × vocabulary), so vocabularies are
 * capped ({@code maxTerms}).
 *
 * <p>Privacy unit: one document (one row); relation: add or remove one document; total guarantee for the DP
 * vocabulary case by basic composition: (ε_vocab + ε_sgd, δ_vocab + δ_sgd). Thread-safety: stateless.
 */
public final class DpTextTraining {
    private DpTextTraining() {
    }

    /**
     * The trained pipeline and the privacy it cost.
     *
     * @param pipeline   vectorizer (vocabulary, idf = 1) + linear model
     * @param dpSgd      what DP-SGD spent
     * @param provenance DP-SGD's provenance with the preprocessing facts and, for a DP vocabulary, the total
     */
    public record Result(TextPipeline pipeline, DpResult dpSgd, Map<String, Object> provenance) {
    }

    public static Result train(TextDataset data, DpSgdConfig config, TextVocabulary vocabulary,
                               DpProgressListener listener) {
        if (data.size() == 0) {
            throw BadInputException.of("training data is empty");
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        List<String> terms;
        Tokenizer tokenizer = Tokenizer.standard();
        PreprocessingPrivacy kind;
        DpVocabulary.Result dpVocab = null;
        if (vocabulary instanceof TextVocabulary.Public p) {
            terms = distinct(p.terms());
            kind = PreprocessingPrivacy.PUBLIC_OR_FIXED;
        } else if (vocabulary instanceof TextVocabulary.DifferentiallyPrivate d) {
            List<List<String>> docs = new ArrayList<>(data.size());
            for (String t : data.texts()) {
                docs.add(tokenizer.tokenize(t));
            }
            Randomness r = config.insecureSeed().isPresent()
                    ? Randomness.replayable(config.insecureSeed().getAsLong() + 1) : DpSgd.secureRandomness();
            dpVocab = DpVocabulary.select(docs, d.epsilon(), d.delta(), d.maxTokensPerDocument(), r);
            terms = dpVocab.tokens().subList(0, Math.min(d.maxTerms(), dpVocab.tokens().size()));
            kind = PreprocessingPrivacy.DIFFERENTIALLY_PRIVATE;
        } else {
            TextVocabulary.FittedOnPrivateData f = (TextVocabulary.FittedOnPrivateData) vocabulary;
            Map<String, Integer> df = new HashMap<>();
            for (String t : data.texts()) {
                for (String tok : new LinkedHashSet<>(tokenizer.tokenize(t))) {
                    df.merge(tok, 1, Integer::sum);
                }
            }
            terms = new ArrayList<>(df.keySet());
            terms.sort((a, b) -> df.get(b).equals(df.get(a)) ? a.compareTo(b) : df.get(b) - df.get(a));
            terms = terms.subList(0, Math.min(f.maxTerms(), terms.size()));
            kind = PreprocessingPrivacy.FITTED_ON_PRIVATE_DATA;
        }
        if (terms.isEmpty()) {
            throw BadInputException.of("the vocabulary is empty (a DP vocabulary on little data may release no "
                    + "term: use more data, a larger vocabulary epsilon, or a public vocabulary)");
        }
        double[] idf = new double[terms.size()];
        Arrays.fill(idf, 1.0);
        TfidfVectorizer vectorizer = new TfidfVectorizer(terms, idf);
        Matrix x = vectorizer.transform(data.texts());
        LinearModel model = LinearModel.zeros(terms, data.classNames());
        DpResult result = DpTraining.train(model, x, data.y(), config, listener);
        prov.putAll(result.provenance());
        prov.put("preprocessing", kind.label());
        prov.put("preprocessing_note", kind.note());
        prov.put("idf", "fixed_1 (not fitted on the private data)");
        if (dpVocab != null) {
            prov.putAll(dpVocab.provenance());
            double eps = result.spent().epsilon() + dpVocab.epsilon();
            prov.put("epsilon_total", Double.isFinite(eps) ? eps : "infinity");
            prov.put("delta_total", result.spent().delta() + dpVocab.delta());
        }
        return new Result(new TextPipeline(vectorizer, model), result, prov);
    }

    private static List<String> distinct(List<String> terms) {
        return new ArrayList<>(new LinkedHashSet<>(terms));
    }
}
