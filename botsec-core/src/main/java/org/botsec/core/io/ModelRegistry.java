package org.botsec.core.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.botsec.core.BadInputException;
import org.botsec.core.io.internal.LinearModelFormat;
import org.botsec.core.io.internal.MlpFormat;
import org.botsec.core.io.internal.TextPipelineFormat;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.TextPipeline;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;

/**
 * Maps the model type written in a model file to its format (in {@code io.internal}): the code that turns a
 * model into its {@link ModelState} and rebuilds the model from it. Each factory validates the tensors and description it receives and throws a
 * {@link BadInputException} naming what does not fit.
 */
public final class ModelRegistry {
    private static final Map<String, Function<ModelState, ? extends Model>> LOADERS = new TreeMap<>();

    static {
        LOADERS.put(LinearModel.TYPE, LinearModelFormat::fromState);
        LOADERS.put(Mlp.TYPE, MlpFormat::fromState);
        LOADERS.put(TextPipeline.TYPE, TextPipelineFormat::fromState);
    }

    private ModelRegistry() {
    }

    /** The model types this build can load, sorted. */
    public static java.util.Set<String> types() {
        return java.util.Collections.unmodifiableSet(LOADERS.keySet());
    }

    /**
     * The tensors and description {@code model} is saved as.
     *
     * @throws IllegalArgumentException for a model class this build has no file format for
     */
    public static ModelState state(Model model) {
        if (model instanceof LinearModel m) {
            return LinearModelFormat.state(m);
        }
        if (model instanceof Mlp m) {
            return MlpFormat.state(m);
        }
        if (model instanceof TextPipeline m) {
            return TextPipelineFormat.state(m);
        }
        throw new IllegalArgumentException("no model file format for " + model.getClass().getName() + " (type "
                + model.type() + ")");
    }

    /**
     * How {@code model} was made, for any model: BotSec's own models carry it; a model from elsewhere (ONNX, an HTTP
     * endpoint) has none.
     */
    public static java.util.Optional<org.botsec.core.prov.Provenance> provenance(Model model) {
        if (model instanceof LinearModel m) {
            return m.provenance();
        }
        if (model instanceof Mlp m) {
            return m.provenance();
        }
        if (model instanceof TextPipeline m) {
            return m.linearModel().provenance();
        }
        return java.util.Optional.empty();
    }

    /** Rebuilds the model described by {@code state}. */
    public static Model fromState(ModelState state) {
        Function<ModelState, ? extends Model> loader = LOADERS.get(state.type());
        if (loader == null) {
            throw BadInputException.of("unknown model type %s (known: %s)", ModelFiles.excerpt(state.type()),
                    String.join(", ", LOADERS.keySet()));
        }
        return loader.apply(state);
    }
}
