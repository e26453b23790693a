package org.botsec.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models info MODEL}: type, tensor shapes, classes, features and full provenance. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a model file's type, tensor shapes, classes, number of features and provenance.",
        footer = {"", "Example:", "  botsec models info botsec-demo/breast_cancer_logreg.safetensors --json"})
public final class ModelInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.safetensors).")
    Path model;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** A tensor's name and shape. */
    public record TensorInfo(String name, int[] shape) {
    }

    /**
     * The JSON document of {@code botsec models info}.
     *
     * @param numFeatures   input features of a numeric model; null for text models
     * @param featureNames  the input feature names of a numeric model; null for text models
     * @param provenance    the provenance stored in the file (null when the file has none, e.g. imported)
     */
    public record Info(String path, String format, String type, List<TensorInfo> tensors, long numParameters,
                       List<String> classes, Integer numFeatures, List<String> featureNames, JsonNode provenance) {
    }

    @Override
    public Integer call() {
        ModelState state = ModelFiles.read(model);
        Model m = CoreSupport.loadModel(model);
        List<TensorInfo> tensors = new ArrayList<>();
        long params = 0;
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            tensors.add(new TensorInfo(e.getKey(), e.getValue().shape()));
            params += e.getValue().values().length;
        }
        Integer numFeatures = m instanceof Classifier c ? c.numFeatures() : null;
        List<String> featureNames = m instanceof Classifier c ? c.featureNames() : null;
        JsonNode prov = state.description().get("provenance");
        Info info = new Info(model.toString(), ModelFiles.FORMAT, state.type(), tensors, params,
                CoreSupport.classNames(m), numFeatures, featureNames, prov);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, info);
            return ExitCode.OK;
        }
        out.printf("model:       %s%n", info.path());
        out.printf("type:        %s (%s)%n", info.type(), info.format());
        out.printf("classes:     %s%n", String.join(", ", info.classes()));
        if (numFeatures != null) {
            out.printf("features:    %d%s%n", numFeatures, featureNames.size() <= 10 ? " " + featureNames : "");
        }
        out.printf("parameters:  %d%n", params);
        out.println("tensors:");
        for (TensorInfo t : tensors) {
            out.printf("  %-24s %s%n", t.name(), Arrays.toString(t.shape()));
        }
        if (prov == null || prov.isNull()) {
            out.println("provenance:  none recorded");
        } else {
            out.println("provenance:");
            try {
                for (String line : Json.MAPPER.writeValueAsString(prov).split("\n")) {
                    out.println("  " + line);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
