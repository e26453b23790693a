package org.botsec.cli.server;

import java.nio.file.Path;
import java.util.Map;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.server.GatewayServer;

/** {@code botsec serve --model NAME=MODEL}: the numeric models the gateway serves for prediction. */
final class ServedModels {
    private ServedModels() {
    }

    static void add(GatewayServer.Builder b, Map<String, Path> models) {
        for (Map.Entry<String, Path> e : models.entrySet()) {
            Model m = ModelFiles.load(e.getValue());
            if (!(m instanceof Classifier c)) {
                throw BadInputException.of("--model %s=%s (type %s) is not a numeric classifier", e.getKey(),
                        e.getValue(), m.type());
            }
            b.model(e.getKey(), c);
        }
    }
}
