package org.botsec.federated.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Model;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.model.Tensor;

/**
 * What the coordinator writes after every completed round and resumes from after a restart: the global model (a
 * BotSec model file, safetensors), the server optimiser's state (FedAdam/FedYogi moments, a safetensors file with
 * tensors {@code m} and {@code v}), and {@code checkpoint.json} with the round, the settings that must not change
 * on resume and the history. No Java serialisation.
 *
 * <p>Write order makes a crash at any point safe: the round's model and state files are written (each atomically,
 * under names that carry the round) before {@code checkpoint.json} is atomically replaced to point at them; files
 * of older rounds are deleted afterwards. A checkpoint is therefore either the previous round's or this one's.
 *
 * @param round      the last completed round (0 = none)
 * @param settings   strategy, aggregator, rounds, seed, clients and parameter count the run was started with
 * @param history    every completed round
 * @param parameters the global model's parameters after {@code round}
 * @param moments    the server optimiser's first and second moments, when it has any
 */
public record Checkpoint(int round, Settings settings, List<NetRound> history, double[] parameters,
                         Optional<double[][]> moments) {
    /** The checkpoint file's format tag. */
    public static final String FORMAT = "botsec-fl-checkpoint/1";
    static final String FILE = "checkpoint.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Settings of the run that wrote the checkpoint; a resumed run must share all but {@code rounds}, which may grow
     * (to train longer).
     */
    public record Settings(String strategy, String aggregator, int rounds, long seed, int clients, int numParameters) {
        /** Whether a run with {@code other} settings may resume from this checkpoint. */
        public boolean resumableBy(Settings other) {
            return strategy.equals(other.strategy) && aggregator.equals(other.aggregator) && seed == other.seed
                    && clients == other.clients && numParameters == other.numParameters;
        }

        /** For messages: "strategy fedavg, aggregator median, seed 42, 3 clients, 1210 parameters". */
        public String describe() {
            return "strategy " + strategy + ", aggregator " + aggregator + ", seed " + seed + ", " + clients
                    + " clients, " + numParameters + " parameters";
        }
    }

    public Checkpoint {
        history = List.copyOf(history);
        parameters = parameters.clone();
        moments = moments.map(m -> new double[][] {m[0].clone(), m[1].clone()});
    }

    @Override
    public double[] parameters() {
        return parameters.clone();
    }

    /** Whether {@code dir} holds a checkpoint. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Writes this checkpoint into {@code dir}; {@code model} is the global model with these parameters. */
    void write(Path dir, Model model) {
        String modelName = "model-round-" + round + ".safetensors";
        ModelFiles.save(model, dir.resolve(modelName));
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("round", round);
        root.put("model_file", modelName);
        if (moments.isPresent()) {
            String stateName = "strategy-round-" + round + ".safetensors";
            LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
            t.put("m", Tensor.vector(moments.get()[0]));
            t.put("v", Tensor.vector(moments.get()[1]));
            ObjectNode desc = JSON.createObjectNode();
            desc.put("round", round);
            ModelFiles.write(new ModelState("fl_strategy_state", t, desc), dir.resolve(stateName));
            root.put("strategy_state_file", stateName);
        }
        ObjectNode s = root.putObject("settings");
        s.put("strategy", settings.strategy());
        s.put("aggregator", settings.aggregator());
        s.put("rounds", settings.rounds());
        s.put("seed", settings.seed());
        s.put("clients", settings.clients());
        s.put("num_parameters", settings.numParameters());
        ArrayNode h = root.putArray("history");
        for (NetRound r : history) {
            ObjectNode o = h.addObject();
            o.put("round", r.round());
            o.put("attempts", r.attempts());
            o.put("selected", r.selected());
            o.put("valid", r.valid());
            o.put("excluded", r.excluded());
            o.put("dropped", r.dropped());
            if (r.accuracy().isPresent()) {
                o.put("accuracy", r.accuracy().getAsDouble());
                o.put("loss", r.loss().getAsDouble());
            }
            o.put("seconds", r.seconds());
        }
        try {
            SafeFiles.writeAtomically(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw BadInputException.of("cannot write checkpoint in %s: %s", dir, e.getMessage());
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if ((n.startsWith("model-round-") || n.startsWith("strategy-round-")) && n.endsWith(".safetensors")
                        && !n.equals(modelName) && !n.equals("strategy-round-" + round + ".safetensors")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // an old round's file left behind is harmless: checkpoint.json no longer names it
        }
    }

    /** Reads the checkpoint in {@code dir}; every problem is one line naming the file. */
    public static Checkpoint read(Path dir) {
        Path file = dir.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(SafeFiles.readSmallUtf8(file, 64 << 20, "checkpoint"));
        } catch (IOException e) {
            throw BadInputException.of("checkpoint %s is not valid JSON", file);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw BadInputException.of("checkpoint %s has format '%s', expected %s", file,
                    root == null ? "" : root.path("format").asText(), FORMAT);
        }
        int round = requireInt(root, "round", file);
        JsonNode s = root.path("settings");
        Settings settings = new Settings(s.path("strategy").asText(), s.path("aggregator").asText(),
                requireInt(s, "rounds", file), s.path("seed").asLong(), requireInt(s, "clients", file),
                requireInt(s, "num_parameters", file));
        String modelName = root.path("model_file").asText();
        if (!modelName.matches("model-round-[0-9]+\\.safetensors")) {
            throw BadInputException.of("checkpoint %s names model file '%s'", file, modelName);
        }
        Model model = ModelFiles.load(dir.resolve(modelName));
        if (!(model instanceof PerExampleGradients g) || g.numParameters() != settings.numParameters()) {
            throw BadInputException.of("checkpoint model %s does not have the %d parameters its settings say",
                    dir.resolve(modelName), settings.numParameters());
        }
        double[] params = new double[settings.numParameters()];
        g.getParameters(params);
        Optional<double[][]> moments = Optional.empty();
        if (root.has("strategy_state_file")) {
            String stateName = root.path("strategy_state_file").asText();
            if (!stateName.matches("strategy-round-[0-9]+\\.safetensors")) {
                throw BadInputException.of("checkpoint %s names strategy state file '%s'", file, stateName);
            }
            ModelState st = ModelFiles.read(dir.resolve(stateName));
            Tensor m = st.tensors().get("m");
            Tensor v = st.tensors().get("v");
            if (m == null || v == null || m.values().length != params.length || v.values().length != params.length) {
                throw BadInputException.of("strategy state %s must hold tensors m and v of %d values",
                        dir.resolve(stateName), params.length);
            }
            moments = Optional.of(new double[][] {m.values(), v.values()});
        }
        List<NetRound> history = new ArrayList<>();
        for (JsonNode o : root.path("history")) {
            history.add(new NetRound(o.path("round").asInt(), o.path("attempts").asInt(), o.path("selected").asInt(),
                    o.path("valid").asInt(), o.path("excluded").asInt(), o.path("dropped").asInt(),
                    o.has("accuracy") ? OptionalDouble.of(o.path("accuracy").asDouble()) : OptionalDouble.empty(),
                    o.has("loss") ? OptionalDouble.of(o.path("loss").asDouble()) : OptionalDouble.empty(),
                    o.path("seconds").asDouble()));
        }
        return new Checkpoint(round, settings, history, params, moments);
    }

    private static int requireInt(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() < 0) {
            throw BadInputException.of("checkpoint %s: '%s' must be a non-negative integer", file, key);
        }
        return v.asInt();
    }
}
