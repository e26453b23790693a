package org.botsec.core.io;

import java.nio.file.Path;
import org.botsec.core.model.Model;

/**
 * A model file that is not one of BotSec's own safetensors files, read by a module that
 * {@link ModelFiles#load} finds with {@link java.util.ServiceLoader} (an ONNX model, a mapping file for a prediction
 * endpoint). This keeps core free of those modules' dependencies while every command that takes
 * {@code --model} accepts their files.
 */
public interface ForeignModelFormat {
    /** How many leading bytes of a file {@link #accepts} is shown. */
    int HEAD_BYTES = 64;

    /**
     * Whether this format reads {@code path}, judged from its name and its first bytes ({@code head}, at most
     * {@link #HEAD_BYTES}; fewer for a shorter file). Must not read the file.
     */
    boolean accepts(Path path, byte[] head);

    /**
     * Reads the model.
     *
     * @throws org.botsec.core.BadInputException naming what is wrong with the file
     */
    Model load(Path path);
}
