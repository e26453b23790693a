package org.botsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.io.ModelRegistry;
import org.botsec.core.linalg.Matrix;

/**
 * Start-up overlap for commands that read a model file: while the main thread builds picocli's model of the command
 * (about half of a one-explanation command's start-up), a second thread reads the file named by {@code --model} once
 * and drops the result, and picks the BLAS backend (which loads native OpenBLAS when the machine has it), so that the
 * JSON parser, SHA-256, the model and BLAS classes and their static state are loaded and initialised when the
 * command needs them. Nothing is shared but class state: the command reads and
 * checks the file again as always, and any problem is reported by that read (this one stays silent). On one core
 * this costs the one extra read (milliseconds for a small model); files over {@link #MAX_BYTES} are left alone.
 */
final class Preload {
    /** Largest model file read ahead: the read is repeated by the command, so only small files are worth it. */
    static final long MAX_BYTES = 16L << 20;

    /** Commands that compute with the model (matrix products), as opposed to only reading or signing its file. */
    private static final java.util.Set<String> MATHS = java.util.Set.of("explain", "predict", "eval", "attack", "audit");

    private Preload() {
    }

    /** Starts the read-ahead for {@code args}' {@code --model FILE}, if it names a small regular file. */
    static void start(String[] args) {
        Path model = modelFile(args);
        if (model == null) {
            return;
        }
        boolean maths = MATHS.contains(args[0]);
        Thread t = new Thread(() -> read(model, maths), "botsec-preload");
        t.setDaemon(true);
        t.start();
    }

    /** The file given as {@code --model FILE} or {@code --model=FILE}, when it is a regular file of at most {@link #MAX_BYTES}. */
    static Path modelFile(String[] args) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) {
                value = args[i + 1];
                break;
            }
            if (args[i].startsWith("--model=")) {
                value = args[i].substring("--model=".length());
                break;
            }
            if (args[i].equals("--")) {
                break;
            }
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            Path p = Path.of(value);
            return Files.isRegularFile(p) && Files.size(p) <= MAX_BYTES ? p : null;
        } catch (Exception e) {
            return null; // not a path (e.g. train's --model logreg): nothing to read ahead
        }
    }

    private static void read(Path model, boolean maths) {
        try {
            // BotSec's own format only: a foreign format (ONNX Runtime) would start native code for nothing
            ModelRegistry.fromState(ModelFiles.read(model));
        } catch (Throwable ignored) {
            // the command's own read reports any problem with the file
        }
        if (!maths) {
            return;
        }
        try {
            // choosing the BLAS backend loads native OpenBLAS (when present) on the first matrix product
            Matrix.blasImplementation();
        } catch (Throwable ignored) {
            // the command's first product chooses again and reports any problem
        }
    }
}
