package org.botsec.attack.inference;

import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;

/**
 * Trains one shadow model: a model of the target's kind, on data the attacker controls. Shadow attacks (Shokri et
 * al. 2017) and LiRA (Carlini et al. 2022) are only as good as the resemblance of shadows to the target, so the
 * trainer should use the target's architecture and hyper-parameters; {@link ShadowTrainers#like} builds one from a
 * model's provenance.
 */
@FunctionalInterface
public interface ShadowTrainer {
    /**
     * @param data training rows, with the target's feature and class names
     * @param seed seed for this shadow's initialisation and shuffling
     * @return the trained shadow
     */
    Classifier train(Dataset data, long seed);
}
