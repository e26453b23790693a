package org.botsec.core.io.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.prov.internal.ProvenanceJson;
import org.botsec.core.text.TfidfVectorizer;

/**
 * The model-file form of a {@link TextPipeline} (type {@value org.botsec.core.model.TextPipeline#TYPE}): the
 * linear model's {@code coef} and {@code intercept} (as {@link LinearModelFormat}, never a standardiser) and
 * {@code idf} [V]; the description holds {@code class_names}, {@code vocabulary} (terms in column order), the
 * tokenizer and TF-IDF settings and {@code provenance}.
 */
public final class TextPipelineFormat {
    private TextPipelineFormat() {
    }

    /** The tensors and description of {@code p}, for {@link org.botsec.core.io.ModelFiles}. */
    public static ModelState state(TextPipeline p) {
        LinearModel model = p.linearModel();
        TfidfVectorizer vectorizer = p.vectorizer();
        LinkedHashMap<String, Tensor> tensors = LinearModelFormat.linearTensors(model);
        tensors.put("idf", Tensor.vector(vectorizer.idf()));
        ObjectNode desc = JsonNodeFactory.instance.objectNode();
        desc.set("class_names", LinearModelFormat.strings(model.classNames()));
        desc.set("vocabulary", LinearModelFormat.strings(vectorizer.terms()));
        desc.put("tokenizer", "sklearn_default: lowercase, (?u)\\b\\w\\w+\\b");
        desc.put("tfidf", "smooth_idf, l2 norm, raw counts");
        model.provenance().ifPresent(prov -> desc.set("provenance", ProvenanceJson.toJson(prov)));
        return new ModelState(TextPipeline.TYPE, tensors, desc);
    }

    /** Rebuilds a pipeline from {@link #state}, validating shapes; bad files give {@link BadInputException}. */
    public static TextPipeline fromState(ModelState state) {
        if (state == null || !TextPipeline.TYPE.equals(state.type())) {
            throw BadInputException.of("not a %s model: type %s", TextPipeline.TYPE, state == null ? null : state.type());
        }
        ObjectNode desc = state.description();
        if (desc == null) {
            throw new BadInputException("text_logistic_regression model: description is missing");
        }
        List<String> classes = LinearModelFormat.readStrings(desc, "class_names");
        List<String> terms = LinearModelFormat.readStrings(desc, "vocabulary");
        Tensor idf = LinearModelFormat.tensor(state, "idf");
        if (idf.shape().length != 1 || idf.values().length != terms.size()) {
            throw BadInputException.of("text model: idf has shape %s but the vocabulary has %d terms",
                    Arrays.toString(idf.shape()), terms.size());
        }
        TfidfVectorizer v;
        try {
            v = new TfidfVectorizer(terms, idf.values());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("text model: " + e.getMessage());
        }
        double[][] coef = LinearModelFormat.readCoef(state, classes.size(), terms.size());
        Tensor b = LinearModelFormat.tensor(state, "intercept");
        LinearModel m = LinearModelFormat.withProvenance(LinearModel.of(coef, b.values(), classes, terms), desc);
        return new TextPipeline(v, m);
    }
}
