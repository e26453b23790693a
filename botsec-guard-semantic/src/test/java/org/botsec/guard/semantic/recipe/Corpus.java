package org.botsec.guard.semantic.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.botsec.guard.semantic.SemanticInjectionScanner;
import org.botsec.guard.semantic.TextEmbedder;

/**
 * The corpus built by {@code tools/build_corpus.py} (outside the repository), and an on-disk cache of
 * embeddings keyed by the SHA-256 of the embedded text, so that training and evaluation embed each text once.
 */
final class Corpus {
    record Example(String text, boolean attack, String source) {
    }

    private Corpus() {
    }

    static List<Example> read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(line);
            out.add(new Example(n.get("text").asText(), n.get("label").asInt() == 1, n.get("source").asText()));
        }
        return out;
    }

    /** An embedder that answers from the cache and embeds (and appends to the cache file) what is missing. */
    static final class CachedEmbedder implements TextEmbedder {
        private final Map<String, float[]> cache = new ConcurrentHashMap<>();
        private final TextEmbedder inner;
        private final Path file;
        private final int dimension;

        CachedEmbedder(TextEmbedder inner, Path file, int dimension) throws IOException {
            this.inner = inner;
            this.file = file;
            this.dimension = dimension;
            if (Files.exists(file)) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                    while (true) {
                        String key;
                        try {
                            key = in.readUTF();
                        } catch (EOFException e) {
                            break;
                        }
                        float[] v = new float[dimension];
                        for (int i = 0; i < dimension; i++) {
                            v[i] = in.readFloat();
                        }
                        cache.put(key, v);
                    }
                } catch (EOFException torn) {
                    // a run stopped mid-write: keep what was read
                }
            }
        }

        int size() {
            return cache.size();
        }

        @Override
        public float[] embed(String text) {
            String key = sha256(text);
            float[] v = cache.get(key);
            if (v == null) {
                v = inner.embed(text);
                put(key, v);
            }
            return v;
        }

        private synchronized void put(String key, float[] v) {
            cache.put(key, v);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)))) {
                out.writeUTF(key);
                for (float x : v) {
                    out.writeFloat(x);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Embeds every example's embedded part on {@code threads} threads, printing progress. */
        float[][] embedAll(List<Example> xs, int threads) throws Exception {
            return embedMapped(xs, threads, SemanticInjectionScanner::embeddedPart);
        }

        /** Embeds every example's text as it is (e.g. windows already cut). */
        float[][] embedRaw(List<Example> xs, int threads) throws Exception {
            return embedMapped(xs, threads, t -> t);
        }

        private float[][] embedMapped(List<Example> xs, int threads, java.util.function.UnaryOperator<String> part) throws Exception {
            float[][] out = new float[xs.size()][];
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
                for (int i = 0; i < xs.size(); i++) {
                    int k = i;
                    fs.add(pool.submit(() -> {
                        out[k] = embed(part.apply(xs.get(k).text()));
                        int d = done.incrementAndGet();
                        if (d % 500 == 0) {
                            System.err.printf("embedded %d/%d%n", d, xs.size());
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            return out;
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
