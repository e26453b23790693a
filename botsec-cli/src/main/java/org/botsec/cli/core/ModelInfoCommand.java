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
     * @param privacy       the DP section of the provenance (ε, δ, accountant, q, steps, C, σ, noise source, ...),
     *                      null for a model trained without DP
     * @param warnings      what a DP guarantee does not cover (preprocessing fitted on private data, seeded noise,
     *                      sampling the accountant does not assume); empty when nothing applies
     */
    public record Info(String path, String format, String type, List<TensorInfo> tensors, long numParameters,
                       List<String> classes, Integer numFeatures, List<String> featureNames, JsonNode provenance,
                       JsonNode privacy, List<String> warnings) {
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
        JsonNode privacy = prov != null && prov.path("privacy").isObject() && prov.get("privacy").size() > 0
                ? prov.get("privacy") : null;
        Info info = new Info(model.toString(), ModelFiles.FORMAT, state.type(), tensors, params,
                CoreSupport.classNames(m), numFeatures, featureNames, prov, privacy, warnings(privacy));
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
        if (privacy == null) {
            out.println("privacy:     not trained with differential privacy");
        } else {
            printPrivacy(out, privacy);
        }
        for (String w : info.warnings()) {
            out.println("WARNING: " + w);
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

    private static void printPrivacy(PrintWriter out, JsonNode p) {
        out.printf("privacy:     %s, epsilon %s at delta %s (%s accountant)%n", p.path("mechanism").asText("dp"),
                p.path("epsilon").asText(), p.path("delta").asText(), p.path("accountant").asText());
        if (p.has("epsilon_total")) {
            out.printf("  total:     epsilon %s at delta %s with the DP vocabulary (epsilon %s; %s)%n",
                    p.get("epsilon_total").asText(), p.path("delta_total").asText(),
                    p.path("vocabulary_epsilon").asText(), p.path("composition").asText());
        }
        out.printf("  sampling:  %s, sample rate q = %s, %s steps%n", p.path("sampling").asText(),
                p.path("sample_rate").asText(), p.path("steps").asText());
        String m = p.path("num_microbatches").asText();
        out.printf("  clipping:  l2 norm clip C = %s, %s%n", p.path("l2_norm_clip").asText(),
                m.equals("per_example") ? "per-example clipping" : m + " microbatches");
        out.printf("  noise:     noise multiplier sigma = %s, source %s%s%n", p.path("noise_multiplier").asText(),
                p.path("noise_source").asText(),
                p.has("insecure_seed") ? " (seed " + p.get("insecure_seed").asText() + ")" : "");
        if (p.has("noise_generator")) {
            out.printf("  generator: %s%s%n", p.get("noise_generator").asText(),
                    p.has("noise_sampler") ? "; sampler " + p.get("noise_sampler").asText() : "");
        }
        if (p.has("target_epsilon")) {
            out.printf("  budget:    target epsilon %s, stopped by budget: %s%n", p.get("target_epsilon").asText(),
                    p.path("stopped_by_budget").asText());
        }
        out.printf("  unit:      %s, %s%n", p.path("privacy_unit").asText(), p.path("neighbouring_relation").asText());
        out.printf("  preprocessing: %s%n", p.path("preprocessing").asText());
    }

    /** The parts of a DP model's pipeline that its guarantee does not cover, as recorded in its provenance. */
    static List<String> warnings(JsonNode privacy) {
        List<String> w = new ArrayList<>();
        if (privacy == null) {
            return w;
        }
        if ("fitted_on_private_data".equals(privacy.path("preprocessing").asText())) {
            String detail = privacy.path("preprocessing_detail").asText(
                    privacy.path("vocabulary_source").asText("").equals("private")
                            ? "the vocabulary of the private training texts" : "");
            w.add("part of the pipeline is NOT covered by the DP guarantee: "
                    + (detail.isEmpty() ? "" : detail + "; ")
                    + privacy.path("preprocessing_note").asText("preprocessing was fitted on the private data"));
        }
        if ("insecure_seeded".equals(privacy.path("noise_source").asText())) {
            w.add("the DP noise was seeded (insecure, replayable): whoever knows the seed can remove it; do not "
                    + "ship this model");
        }
        if (privacy.has("sampling_matches_accountant") && !privacy.get("sampling_matches_accountant").asBoolean()) {
            w.add("batches were not Poisson-sampled: the reported epsilon assumes Poisson sampling and is not a "
                    + "proven bound for this run");
        }
        return w;
    }
}
