package org.botsec.guard.semantic.recipe;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.botsec.guard.semantic.TextEmbedder;

/**
 * A BERT-style sentence encoder read from an ONNX file and a tokenizer file, for comparing encoders in the recipe
 * (e.g. e5-small-v2, Wang et al. 2022, <i>Text Embeddings by Weakly-Supervised Contrastive Pre-training</i>, which
 * expects every input to start with {@code "query: "}). Same session settings as the shipped encoder: one thread,
 * no spinning.
 */
final class OnnxFileEmbedder implements TextEmbedder {
    private final AbstractInProcessEmbeddingModel model;
    private final String prefix;

    OnnxFileEmbedder(Path onnx, Path tokenizer, String prefix) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        OrtSession session = env.createSession(Files.readAllBytes(onnx), options);
        OnnxBertBiEncoder encoder;
        try (InputStream in = Files.newInputStream(tokenizer)) {
            encoder = new OnnxBertBiEncoder(env, session, in, PoolingMode.MEAN);
        }
        this.model = new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return encoder;
            }
        };
        this.prefix = prefix;
    }

    /** e5-small-v2-q from a folder holding {@code e5-small-v2-q.onnx} and {@code e5-small-v2-q-tokenizer.json}. */
    static OnnxFileEmbedder e5(Path dir) throws Exception {
        return new OnnxFileEmbedder(dir.resolve("e5-small-v2-q.onnx"), dir.resolve("e5-small-v2-q-tokenizer.json"), "query: ");
    }

    @Override
    public float[] embed(String text) {
        return model.embed(prefix + text).content().vector();
    }
}
