package org.botsec.core.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.botsec.core.BadInputException;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;

/**
 * Maps the model type written in a model file to the factory that rebuilds the model from its
 * {@link ModelState}. Each factory validates the tensors and description it receives and throws a
 * {@link BadInputException} naming what does not fit.
 */
public final class ModelRegistry {
    private static final Map<String, Function<ModelState, ? extends Model>> LOADERS = new TreeMap<>();

    static {
        LOADERS.put(org.botsec.core.model.LinearModel.TYPE, org.botsec.core.model.LinearModel::fromState);
        LOADERS.put(org.botsec.core.model.Mlp.TYPE, org.botsec.core.model.Mlp::fromState);
        LOADERS.put(org.botsec.core.model.TextPipeline.TYPE, org.botsec.core.model.TextPipeline::fromState);
    }

    private ModelRegistry() {
    }

    /** The model types this build can load, sorted. */
    public static java.util.Set<String> types() {
        return java.util.Collections.unmodifiableSet(LOADERS.keySet());
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
