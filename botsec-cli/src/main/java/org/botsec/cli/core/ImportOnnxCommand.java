package org.botsec.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.files.SafeFiles;
import org.botsec.onnx.OnnxClassifier;
import org.botsec.onnx.OutputKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models import-onnx}: an ONNX classifier (PyTorch, scikit-learn, ...) checked and given its settings. */
@Command(name = "import-onnx", mixinStandardHelpOptions = true,
        description = {"Check an ONNX classifier and store BotSec's settings (output kind, class and feature names, "
                + "batch size, threads) in its metadata; the output is still a plain ONNX file.",
                "Any --model option also takes an .onnx file directly (its outputs must then be probabilities)."},
        footer = {"", "Example:",
                "  botsec models import-onnx --from model.onnx --output-kind logits --class-names classes.txt --out cancer.onnx"})
public final class ImportOnnxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE.onnx", description = "The ONNX model.")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "ONNX file to write (with BotSec's settings).")
    Path out;

    @Option(names = "--output-kind", paramLabel = "KIND", description = "probabilities or logits (default: as stored, else probabilities).")
    String outputKind;

    @Option(names = "--input", paramLabel = "NAME", description = "Graph input to feed (default: the only input).")
    String input;

    @Option(names = "--output", paramLabel = "NAME", description = "Graph output to read (default: the first output).")
    String output;

    @Option(names = "--class-names", paramLabel = "FILE", description = "Class names, one per line, in output order (default: the model's metadata class_names, else 0..K-1).")
    Path classNames;

    @Option(names = "--feature-names", paramLabel = "FILE", description = "Feature names, one per line (default: the model's metadata feature_names, else x0..).")
    Path featureNames;

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per ONNX Runtime call (default: 1024).")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: 0 = one per core).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** The JSON document of {@code botsec models import-onnx}. */
    public record Result(String out, String type, String input, List<Long> inputShape, String output,
                         String outputKind, List<String> classes, int numFeatures, int batchSize) {
    }

    @Override
    public Integer call() {
        TrainCommand.checkOut(out);
        OnnxClassifier.Builder b = OnnxClassifier.builder(from);
        if (outputKind != null) {
            b.outputKind(OutputKind.parse(outputKind));
        }
        if (input != null) {
            b.inputName(input);
        }
        if (output != null) {
            b.outputName(output);
        }
        if (classNames != null) {
            b.classNames(lines(classNames, "--class-names"));
        }
        if (featureNames != null) {
            b.featureNames(lines(featureNames, "--feature-names"));
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (threads != null) {
            b.intraOpThreads(threads);
        }
        Result r;
        try (OnnxClassifier c = b.importTo(out)) {
            r = new Result(out.toString(), c.type(), c.inputName(),
                    java.util.Arrays.stream(c.inputShape()).boxed().toList(), c.outputName(), c.outputKind().label(),
                    c.classNames(), c.numFeatures(), c.batchSize());
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, r);
        } else {
            w.printf("imported ONNX model: input %s %s, output %s (%s), %d classes (%s), %d features%nwrote %s%n",
                    r.input(), r.inputShape(), r.output(), r.outputKind(), r.classes().size(),
                    String.join(", ", r.classes()), r.numFeatures(), out);
            w.flush();
        }
        return ExitCode.OK;
    }

    /** Non-blank lines of a small UTF-8 file. */
    static List<String> lines(Path file, String flag) {
        String text = SafeFiles.readSmallUtf8(file, 16 << 20, flag);
        return text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }
}
