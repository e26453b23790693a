package org.botsec.report;

import java.util.Objects;
import java.util.Optional;
import org.botsec.core.prov.PrivacyGuarantee;

/**
 * What an audit looked at: the model file and the data, by name and SHA-256, and the model's claims.
 *
 * @param modelFile   the model file as the user named it
 * @param modelSha256 SHA-256 of the model file's bytes (hex)
 * @param modelType   e.g. {@code mlp}, {@code logistic_regression}
 * @param trainer     the trainer recorded in the model's provenance
 * @param privacy     the model's privacy guarantee, if it was trained privately
 * @param data        the evaluation data's name (a path or {@code builtin:NAME:SPLIT})
 * @param dataSha256  SHA-256 of the evaluation data
 * @param trainData   the training data's name, if given
 */
public record Subject(String modelFile, String modelSha256, String modelType, String trainer,
                      Optional<PrivacyGuarantee> privacy, String data, String dataSha256, Optional<String> trainData) {
    public Subject {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(privacy, "privacy");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataSha256, "dataSha256");
        Objects.requireNonNull(trainData, "trainData");
    }
}
