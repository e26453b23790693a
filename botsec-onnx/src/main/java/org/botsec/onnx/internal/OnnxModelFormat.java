package org.botsec.onnx.internal;

import java.nio.file.Path;
import java.util.Locale;
import org.botsec.core.io.ForeignModelFormat;
import org.botsec.core.model.Model;
import org.botsec.onnx.OnnxClassifier;

/**
 * Lets every {@code --model} option take an ONNX file: a name ending in {@code .onnx}, or a file that starts like
 * an ONNX {@code ModelProto} (field 1, {@code ir_version}, as a varint) and not like a safetensors file (whose
 * JSON header starts at byte 8).
 */
public final class OnnxModelFormat implements ForeignModelFormat {
    @Override
    public boolean accepts(Path path, byte[] head) {
        Path name = path.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        return head.length > 8 && head[0] == 0x08 && head[8] != '{';
    }

    @Override
    public Model load(Path path) {
        return OnnxClassifier.load(path);
    }
}
