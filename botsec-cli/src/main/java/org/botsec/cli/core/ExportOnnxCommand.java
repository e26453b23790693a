package org.botsec.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models export-onnx}: a BotSec linear, softmax or MLP model as an ONNX file any runtime can serve. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = {"Write a BotSec logistic/softmax regression or MLP model as a self-contained ONNX file "
                + "(IR 7, opset 13): input 'features' [batch, d], output 'probabilities' [batch, k]."},
        footer = {"", "Example:", "  botsec models export-onnx --model cancer.safetensors --out cancer.onnx"})
public final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "BotSec model file (.safetensors).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "ONNX file to write.")
    Path out;

    @Option(names = "--precision", defaultValue = "float64", paramLabel = "float32|float64", description = "Tensor type (default: ${DEFAULT-VALUE}; float32 for runtimes without double kernels).")
    String precision;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** The JSON document of {@code botsec models export-onnx}. */
    public record Result(String out, String type, String precision, List<String> classes, int numFeatures) {
    }

    @Override
    public Integer call() {
        OnnxExport.Precision p = OnnxExport.Precision.parse(precision);
        TrainCommand.checkOut(out);
        Model m = ModelFiles.load(model);
        if (!(m instanceof Classifier c)) {
            throw BadInputException.of("model %s (type %s) is not a numeric classifier", model, m.type());
        }
        OnnxExport.write(m, p, out);
        Result r = new Result(out.toString(), m.type(), p.label(), c.classNames(), c.numFeatures());
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, r);
        } else {
            w.printf("exported %s (%d features, classes %s) as ONNX %s%nwrote %s%n", r.type(), r.numFeatures(),
                    String.join(", ", r.classes()), r.precision(), out);
            w.flush();
        }
        return ExitCode.OK;
    }
}
