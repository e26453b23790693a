package org.botsec.cli.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.io.ModelSignatures;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;

/** {@code botsec serve --model NAME=MODEL [--require-signature PUB]}: the numeric models the gateway serves. */
final class ServedModels {
    private ServedModels() {
    }

    /**
     * Loads every model, in order. With a public key, each must carry a valid signature by it and is loaded from the
     * bytes that were verified ({@link ModelSignatures#loadVerified}); the first that does not stops the start-up with
     * a {@link org.botsec.core.ThresholdException} (exit 3) naming it.
     */
    static Map<String, Classifier> load(Map<String, Path> models, Optional<Path> requireSignature) {
        Map<String, Classifier> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : models.entrySet()) {
            Model m = requireSignature.isPresent() ? ModelSignatures.loadVerified(e.getValue(), requireSignature.get())
                    : ModelFiles.load(e.getValue());
            if (!(m instanceof Classifier c)) {
                throw BadInputException.of("--model %s=%s (type %s) is not a numeric classifier", e.getKey(),
                        e.getValue(), m.type());
            }
            out.put(e.getKey(), c);
        }
        return out;
    }
}
