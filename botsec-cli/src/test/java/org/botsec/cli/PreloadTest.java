package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which {@code --model} argument {@link Preload} reads ahead: small regular files only, never anything else. */
class PreloadTest {
    @TempDir
    Path dir;

    @Test
    void readsAheadOnlySmallRegularModelFiles() throws Exception {
        Path m = Files.writeString(dir.resolve("m.safetensors"), "not read here");
        assertEquals(m, Preload.modelFile(new String[] {"explain", "lime-text", "--model", m.toString(), "--text", "x"}));
        assertEquals(m, Preload.modelFile(new String[] {"predict", "--model=" + m}));
        assertNull(Preload.modelFile(new String[] {"train", "--model", "logreg", "--data", "builtin:digits8x8"}));
        assertNull(Preload.modelFile(new String[] {"serve", "--model", "bot=" + m}));
        assertNull(Preload.modelFile(new String[] {"explain", "lime-text", "--model", dir.toString()}));
        assertNull(Preload.modelFile(new String[] {"explain", "lime-text", "--", "--model", m.toString()}));
        assertNull(Preload.modelFile(new String[] {"explain", "lime-text", "--model"}));
        Path big = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(Preload.MAX_BYTES + 1);
        }
        assertNull(Preload.modelFile(new String[] {"explain", "shap", "--model", big.toString()}));
    }
}
