package org.botsec.cli.core;

import org.botsec.core.math.Numbers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.onnx.OnnxClassifier;
import org.botsec.remote.HttpClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code botsec models info MODEL}: type, tensor shapes, classes, features and full provenance. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show a model file's type, tensor shapes, classes, number of features and provenance.",
                "For an ONNX model: IR version, opsets, inputs and outputs, the output kind, classes, features and the",
                "provenance export-onnx stored; for an endpoint mapping: its URL, classes and features."},
        footer = {"", "Examples:", "  botsec models info botsec-demo/breast_cancer_logreg.safetensors --json",
                "  botsec models info model.onnx"})
public final class ModelInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.safetensors, .onnx or .endpoint.json).")
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
     * @param provenance    the provenance stored in the file, in the current form (files in the first form are
     *                      converted); null when the file has none, e.g. imported
     * @param privacy       the typed privacy guarantee ({@code epsilon}/{@code delta} are the composed total,
     *                      {@code components} the parts), null for a model trained without DP
     * @param warnings      what a DP guarantee does not cover (preprocessing fitted on private data, seeded noise,
     *                      sampling the accountant does not assume); empty when nothing applies
     */
    public record Info(String path, String format, String type, List<TensorInfo> tensors, long numParameters,
                       List<String> classes, Integer numFeatures, List<String> featureNames, JsonNode provenance,
                       JsonNode privacy, List<String> warnings) {
    }

    /**
     * The JSON document of {@code botsec models info} for an ONNX model ({@code format} {@code "onnx"}).
     *
     * @param input        the graph input BotSec feeds, {@code output} the one it reads
     * @param outputKind   {@code probabilities} or {@code logits}, as stored by {@code import-onnx}/{@code export-onnx}
     *                     or the default (probabilities)
     * @param metadataKeys the keys of the model's {@code metadata_props}
     * @param provenance   the provenance {@code export-onnx} stored (metadata {@code botsec_provenance}); null if none
     */
    public record OnnxInfo(String path, String format, String type, long irVersion, Map<String, Long> opsets,
                           List<OnnxClassifier.Port> inputs, List<OnnxClassifier.Port> outputs, String input,
                           String output, String outputKind, List<String> classes, int numFeatures,
                           List<String> featureNames, int batchSize, List<String> metadataKeys, String sha256,
                           JsonNode provenance, JsonNode privacy, List<String> warnings) {
        public OnnxInfo {
            opsets = Map.copyOf(opsets);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            classes = List.copyOf(classes);
            featureNames = List.copyOf(featureNames);
            metadataKeys = List.copyOf(metadataKeys);
            warnings = List.copyOf(warnings);
        }
    }

    /** The JSON document of {@code botsec models info} for an endpoint mapping ({@code format} {@code "endpoint"}). */
    public record EndpointInfo(String path, String format, String type, String url, List<String> classes,
                               int numFeatures, List<String> featureNames) {
        public EndpointInfo {
            classes = List.copyOf(classes);
            featureNames = List.copyOf(featureNames);
        }
    }

    @Override
    public Integer call() {
        Model m = CoreSupport.loadModel(model);
        if (m instanceof OnnxClassifier onnx) {
            try (onnx) {
                return onnxInfo(onnx);
            }
        }
        if (m instanceof HttpClassifier http) {
            return endpointInfo(http);
        }
        ModelState state = ModelFiles.read(model);
        List<TensorInfo> tensors = new ArrayList<>();
        long params = 0;
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            tensors.add(new TensorInfo(e.getKey(), e.getValue().shape()));
            params += e.getValue().values().length;
        }
        Integer numFeatures = m instanceof Classifier c ? c.numFeatures() : null;
        List<String> featureNames = m instanceof Classifier c ? c.featureNames() : null;
        Optional<Provenance> prov = Provenance.fromJson(state.description().get("provenance"));
        Optional<PrivacyGuarantee> guarantee = prov.flatMap(Provenance::privacy);
        Info info = new Info(model.toString(), ModelFiles.FORMAT, state.type(), tensors, params,
                CoreSupport.classNames(m), numFeatures, featureNames, prov.map(Provenance::toJson).orElse(null),
                guarantee.map(PrivacyGuarantee::toJson).orElse(null), guarantee.map(ModelInfoCommand::warnings)
                        .orElse(List.of()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, info);
            return ExitCode.OK;
        }
        out.printf("model:       %s%n", info.path());
        out.printf("type:        %s (%s)%n", info.type(), info.format());
        out.printf("classes:     %s%n", String.join(", ", info.classes()));
        if (numFeatures != null) {
            printFeatures(out, numFeatures, featureNames);
        }
        out.printf("parameters:  %d%n", params);
        out.println("tensors:");
        for (TensorInfo t : tensors) {
            out.printf("  %-24s %s%n", t.name(), Arrays.toString(t.shape()));
        }
        out.println(ModelFiles.hasTensorHashes(model) ? "integrity:   SHA-256 of every tensor in the header, checked on load"
                : "integrity:   no per-tensor SHA-256 (file written before they were added)");
        printSignature(out);
        printPrivacyAndProvenance(out, guarantee, info.warnings(), info.provenance());
        out.flush();
        return ExitCode.OK;
    }

    private int onnxInfo(OnnxClassifier c) {
        OnnxClassifier.FileInfo f = c.fileInfo();
        String raw = f.metadata().get(OnnxClassifier.PROVENANCE_KEY);
        Optional<Provenance> prov = Optional.empty();
        if (raw != null) {
            try {
                prov = Provenance.fromJson(Json.MAPPER.readTree(raw));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw BadInputException.of("model %s: metadata %s is not JSON (%s)", model, OnnxClassifier.PROVENANCE_KEY,
                        e.getOriginalMessage());
            }
        }
        Optional<PrivacyGuarantee> guarantee = prov.flatMap(Provenance::privacy);
        OnnxInfo info = new OnnxInfo(model.toString(), "onnx", c.type(), f.irVersion(), f.opsets(), f.inputs(),
                f.outputs(), c.inputName(), c.outputName(), c.outputKind().name().toLowerCase(Locale.ROOT),
                c.classNames(), c.numFeatures(), c.featureNames(), c.batchSize(), List.copyOf(f.metadata().keySet()),
                SafeFiles.sha256(model), prov.map(Provenance::toJson).orElse(null),
                guarantee.map(PrivacyGuarantee::toJson).orElse(null),
                guarantee.map(ModelInfoCommand::warnings).orElse(List.of()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, info);
            return ExitCode.OK;
        }
        out.printf("model:       %s%n", info.path());
        out.printf("type:        onnx (ONNX IR version %d; opsets %s)%n", info.irVersion(), opsetText(info.opsets()));
        for (OnnxClassifier.Port p : info.inputs()) {
            out.printf("input:       %s %s %s%s%n", p.name(), p.elemType(), p.shapeText(),
                    p.name().equals(info.input()) ? " (fed: " + info.numFeatures() + " features a row)" : "");
        }
        for (OnnxClassifier.Port p : info.outputs()) {
            out.printf("output:      %s %s %s%s%n", p.name(), p.elemType(), p.shapeText(),
                    p.name().equals(info.output()) ? " (read as " + info.outputKind() + ")" : "");
        }
        out.printf("classes:     %s%n", String.join(", ", info.classes()));
        printFeatures(out, info.numFeatures(), info.featureNames());
        out.printf("batch size:  %d rows a call%n", info.batchSize());
        out.printf("metadata:    %s%n", info.metadataKeys().isEmpty() ? "none" : String.join(", ", info.metadataKeys()));
        out.printf("sha256:      %s%n", info.sha256());
        printSignature(out);
        printPrivacyAndProvenance(out, guarantee, info.warnings(), info.provenance());
        out.flush();
        return ExitCode.OK;
    }

    private int endpointInfo(HttpClassifier c) {
        EndpointInfo info = new EndpointInfo(model.toString(), "endpoint", c.type(), c.mapping().url().toString(),
                c.classNames(), c.numFeatures(), c.featureNames());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, info);
            return ExitCode.OK;
        }
        out.printf("model:       %s%n", info.path());
        out.printf("type:        %s (endpoint mapping: predictions come from %s; no weights in the file)%n",
                info.type(), info.url());
        out.printf("classes:     %s%n", String.join(", ", info.classes()));
        printFeatures(out, info.numFeatures(), info.featureNames());
        printSignature(out);
        out.flush();
        return ExitCode.OK;
    }

    private static String opsetText(Map<String, Long> opsets) {
        List<String> parts = new ArrayList<>();
        opsets.forEach((domain, v) -> parts.add((domain.isEmpty() ? "ai.onnx" : domain) + " " + v));
        return parts.isEmpty() ? "none declared" : String.join(", ", parts);
    }

    /** The feature count and the names a CSV for {@code predict} needs as its header (all of them with --json). */
    private static void printFeatures(PrintWriter out, int numFeatures, List<String> featureNames) {
        out.printf("features:    %d: %s%n", numFeatures, featureNames.size() <= 30 ? String.join(", ", featureNames)
                : String.join(", ", featureNames.subList(0, 30)) + ", ... (--json lists all " + numFeatures + ")");
    }

    private void printSignature(PrintWriter out) {
        java.nio.file.Path sig = org.botsec.core.io.ModelSignatures.signatureFile(model);
        out.println(java.nio.file.Files.exists(sig)
                ? "signature:   " + sig + " (check it: botsec models verify --model " + model + " --public-key PUB.json)"
                : "signature:   none (botsec models sign --model " + model + " --key KEY.json)");
    }

    private static void printPrivacyAndProvenance(PrintWriter out, Optional<PrivacyGuarantee> guarantee,
            List<String> warnings, JsonNode provenance) {
        if (guarantee.isEmpty()) {
            out.println("privacy:     not trained with differential privacy" + (provenance == null ? " (as far as recorded)" : ""));
        } else {
            printPrivacy(out, guarantee.get());
        }
        for (String w : warnings) {
            out.println("WARNING: " + w);
        }
        if (provenance == null) {
            out.println("provenance:  none recorded");
        } else {
            out.println("provenance:");
            try {
                for (String line : HUMAN_JSON.writeValueAsString(Json.MAPPER.convertValue(provenance, Object.class)).split("\n")) {
                    out.println("  " + line);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Pretty JSON for the human view, with doubles in the CLI's number format (1e-5, not 1.0E-5). */
    private static final com.fasterxml.jackson.databind.ObjectMapper HUMAN_JSON = Json.MAPPER.copy().registerModule(
            new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(Double.class,
                    new com.fasterxml.jackson.databind.ser.std.StdSerializer<Double>(Double.class) {
                        @Override
                        public void serialize(Double v, com.fasterxml.jackson.core.JsonGenerator g,
                                com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                            if (Double.isFinite(v)) {
                                g.writeNumber(Numbers.format(v));
                            } else {
                                g.writeString(Numbers.format(v));
                            }
                        }
                    }));

    /** A parameter value in the CLI's number format when it is a number. */
    private static Object number(Object v) {
        return v instanceof Number n ? Numbers.format(n.doubleValue()) : v;
    }

    /** The one sentence every command that shows ε and δ prints beside them. */
    public static final String EPSILON_DELTA_MEANING = "(smaller epsilon = stronger privacy; delta = the chance that the bound fails)";

    private static void printPrivacy(PrintWriter out, PrivacyGuarantee g) {
        out.printf(Locale.ROOT, "privacy:     epsilon %s at delta %s, composed total (%s accountant)%n",
                Numbers.format(g.epsilon()), Numbers.format(g.delta()), g.accountant().label());
        out.println("             " + EPSILON_DELTA_MEANING);
        for (PrivacyGuarantee.Component c : g.components()) {
            out.printf(Locale.ROOT, "  part:      %s, epsilon %s at delta %s%n", c.name(), Numbers.format(c.epsilon()),
                    Numbers.format(c.delta()));
        }
        if (g.components().size() > 1) {
            out.println("             (basic composition: the parts' epsilons and deltas add up)");
        }
        out.printf(Locale.ROOT, "  unit:      %s; neighbours: %s%n", g.unit().label(), g.relation().label());
        out.printf(Locale.ROOT, "  sampling:  %s, sample rate q = %s, %d steps%n", g.sampling().label(),
                Numbers.format(g.sampleRate()), g.steps());
        Object m = g.components().stream().filter(c -> c.name().equals("dp-sgd")).findFirst()
                .map(c -> c.parameters().get("num_microbatches")).orElse(null);
        out.printf(Locale.ROOT, "  clipping:  l2 norm clip C = %s, %s%n", Numbers.format(g.l2NormClip()),
                m == null || "per_example".equals(m) ? "per-example clipping" : m + " microbatches");
        out.printf(Locale.ROOT, "  noise:     noise multiplier sigma = %s, source %s%n", Numbers.format(g.noiseMultiplier()),
                g.noise().secure() ? "secure generator" : g.noise().label());
        out.printf("  generator: %s%n", g.noise().description());
        g.components().stream().filter(c -> c.parameters().containsKey("target_epsilon_total")).findFirst()
                .ifPresent(c -> out.printf("  budget:    target epsilon %s for the composed total (DP-SGD's share %s), "
                        + "stopped by budget: %s%n", number(c.parameters().get("target_epsilon_total")),
                        number(c.parameters().get("target_epsilon")), c.parameters().get("stopped_by_budget")));
        for (String c : g.covers()) {
            out.println("  covers:    " + c);
        }
        for (String c : g.notCovered()) {
            out.println("  NOT covered: " + c);
        }
    }

    /** What the guarantee does not cover, as warnings: uncovered parts of the pipeline and seeded noise. */
    static List<String> warnings(PrivacyGuarantee g) {
        List<String> w = new ArrayList<>();
        for (String part : g.notCovered()) {
            w.add("part of the pipeline is NOT covered by the DP guarantee: " + part);
        }
        if (!g.noise().secure()) {
            w.add("the DP noise was seeded (insecure, replayable): whoever knows the seed can remove it; do not "
                    + "ship this model");
        }
        return w;
    }
}
