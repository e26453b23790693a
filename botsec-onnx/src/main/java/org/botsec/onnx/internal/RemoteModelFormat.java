package org.botsec.onnx.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.botsec.core.io.ForeignModelFormat;
import org.botsec.core.model.Model;
import org.botsec.remote.EndpointMapping;
import org.botsec.remote.HttpClassifier;

/**
 * Lets every {@code --model} option take an endpoint mapping: a file named {@code *.endpoint.json}, or one whose
 * first bytes name the format {@value EndpointMapping#FORMAT}.
 */
public final class RemoteModelFormat implements ForeignModelFormat {
    @Override
    public boolean accepts(Path path, byte[] head) {
        Path name = path.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".endpoint.json")) {
            return true;
        }
        return new String(head, StandardCharsets.ISO_8859_1).contains(EndpointMapping.FORMAT);
    }

    @Override
    public Model load(Path path) {
        return HttpClassifier.load(path);
    }
}
