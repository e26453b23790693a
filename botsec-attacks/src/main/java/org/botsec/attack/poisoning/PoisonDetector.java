package org.botsec.attack.poisoning;

import org.botsec.core.data.Dataset;
import org.botsec.core.model.Classifier;

/**
 * Flags training rows that look poisoned, given the training set (with the labels the model was trained on) and the
 * model trained on it. Detectors do not know which rows were poisoned; {@link DetectionQuality} scores them when the
 * truth is known.
 */
public interface PoisonDetector {
    /** Which detector this is. */
    DetectorKind kind();

    /** The rows of {@code train} this detector flags. */
    Detection detect(Dataset train, Classifier model);
}
