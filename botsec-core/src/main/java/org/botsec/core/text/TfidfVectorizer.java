package org.botsec.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.botsec.core.linalg.Matrix;

/**
 * TF-IDF features as scikit-learn's {@code TfidfVectorizer()} with its defaults: {@link Tokenizer#standard()}
 * tokens, raw term counts, smooth idf {@code idf(t) = ln((1 + n) / (1 + df(t))) + 1} (n documents, df(t) of them
 * containing t), each row scaled to unit l2 norm (an all-zero row stays zero). The vocabulary is every term seen
 * in fitting, numbered in alphabetical (code point) order as scikit-learn does; unseen terms are ignored.
 *
 * <p>Immutable and thread-safe once built. Reference: Salton &amp; Buckley, "Term-weighting approaches in
 * automatic text retrieval" (1988); the smoothing is scikit-learn's.
 */
public final class TfidfVectorizer {
    /** Most distinct terms a vocabulary may hold. */
    public static final int MAX_VOCABULARY = 10_000_000;

    private final Map<String, Integer> vocabulary;
    private final List<String> terms;
    private final double[] idf;
    private final Tokenizer tokenizer = Tokenizer.standard();

    /**
     * A vectorizer from a given vocabulary and idf (e.g. read from a model file).
     *
     * @param terms the terms, index = column; must be distinct
     * @param idf   idf per column, finite and &gt; 0
     */
    public TfidfVectorizer(List<String> terms, double[] idf) {
        if (terms.size() != idf.length) {
            throw new IllegalArgumentException("vocabulary has " + terms.size() + " terms but idf has " + idf.length
                    + " values");
        }
        if (terms.size() > MAX_VOCABULARY) {
            throw new IllegalArgumentException("vocabulary too large: " + terms.size() + " terms, limit "
                    + MAX_VOCABULARY);
        }
        Map<String, Integer> vocab = new HashMap<>(terms.size() * 2);
        for (int j = 0; j < terms.size(); j++) {
            String t = terms.get(j);
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("vocabulary term " + j + " is empty");
            }
            if (vocab.put(t, j) != null) {
                throw new IllegalArgumentException("vocabulary repeats the term '" + t + "'");
            }
            if (!(idf[j] > 0) || !Double.isFinite(idf[j])) {
                throw new IllegalArgumentException("idf[" + j + "] must be > 0 and finite, got " + idf[j]);
            }
        }
        this.vocabulary = Collections.unmodifiableMap(vocab);
        this.terms = List.copyOf(terms);
        this.idf = idf.clone();
    }

    /**
     * A vectorizer from a term → column map (as scikit-learn's {@code vocabulary_}) and idf; the columns must be
     * exactly 0 … size−1.
     */
    public TfidfVectorizer(Map<String, Integer> vocabulary, double[] idf) {
        this(termsInColumnOrder(vocabulary), idf);
    }

    private static List<String> termsInColumnOrder(Map<String, Integer> vocabulary) {
        String[] terms = new String[vocabulary.size()];
        for (Map.Entry<String, Integer> e : vocabulary.entrySet()) {
            Integer j = e.getValue();
            if (j == null || j < 0 || j >= terms.length || terms[j] != null) {
                throw new IllegalArgumentException("vocabulary columns must be 0.." + (terms.length - 1)
                        + " without repeats; term '" + e.getKey() + "' has column " + j);
            }
            terms[j] = e.getKey();
        }
        return Arrays.asList(terms);
    }

    /** Learns the vocabulary and idf from {@code documents}. */
    public static TfidfVectorizer fit(List<String> documents) {
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("cannot fit TF-IDF on an empty list of documents");
        }
        Tokenizer tok = Tokenizer.standard();
        Map<String, int[]> df = new HashMap<>();
        java.util.HashSet<String> seen = new java.util.HashSet<>();
        for (String doc : documents) {
            seen.clear();
            for (String t : tok.tokenize(doc)) {
                if (seen.add(t)) {
                    df.computeIfAbsent(t, k -> new int[1])[0]++;
                }
            }
        }
        if (df.isEmpty()) {
            throw new IllegalArgumentException("empty vocabulary: the documents contain no tokens of two or more "
                    + "word characters");
        }
        TreeMap<String, int[]> sorted = new TreeMap<>(TfidfVectorizer::compareCodePoints);
        sorted.putAll(df);
        List<String> terms = new ArrayList<>(sorted.size());
        double[] idf = new double[sorted.size()];
        int n = documents.size();
        int j = 0;
        for (Map.Entry<String, int[]> e : sorted.entrySet()) {
            terms.add(e.getKey());
            idf[j++] = Math.log((1.0 + n) / (1.0 + e.getValue()[0])) + 1.0;
        }
        return new TfidfVectorizer(terms, idf);
    }

    /** Python's string order: by code point (Java's compareTo orders by UTF-16 unit, which differs above U+FFFF). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Term → column (a read-only view), columns in alphabetical order of the terms. */
    public Map<String, Integer> vocabulary() {
        LinkedHashMap<String, Integer> ordered = new LinkedHashMap<>();
        for (int j = 0; j < terms.size(); j++) {
            ordered.put(terms.get(j), j);
        }
        return Collections.unmodifiableMap(ordered);
    }

    /** The terms, index = column. */
    public List<String> terms() {
        return terms;
    }

    /** Column index of {@code term}, or -1. */
    public int indexOf(String term) {
        Integer j = vocabulary.get(term);
        return j == null ? -1 : j;
    }

    /** The idf weights (a copy). */
    public double[] idf() {
        return idf.clone();
    }

    public int numFeatures() {
        return idf.length;
    }

    /** Dense TF-IDF rows (n × vocabulary size); use {@link #transformSparse} for large batches. */
    public Matrix transform(List<String> documents) {
        return transformSparse(documents).toDense();
    }

    /** Sparse TF-IDF rows, l2-normalised. */
    public SparseMatrix transformSparse(List<String> documents) {
        int n = documents.size();
        int[] indptr = new int[n + 1];
        int[] indices = new int[Math.max(16, n * 8)];
        double[] values = new double[indices.length];
        int nnz = 0;
        TreeMap<Integer, int[]> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.clear();
            for (String t : tokenizer.tokenize(documents.get(i))) {
                Integer j = vocabulary.get(t);
                if (j != null) {
                    counts.computeIfAbsent(j, k -> new int[1])[0]++;
                }
            }
            if (nnz + counts.size() > indices.length) {
                int cap = Math.max(nnz + counts.size(), indices.length * 2);
                indices = Arrays.copyOf(indices, cap);
                values = Arrays.copyOf(values, cap);
            }
            int start = nnz;
            double sumSq = 0;
            for (Map.Entry<Integer, int[]> e : counts.entrySet()) {
                int j = e.getKey();
                double v = e.getValue()[0] * idf[j];
                indices[nnz] = j;
                values[nnz] = v;
                sumSq += v * v;
                nnz++;
            }
            if (sumSq > 0) {
                double norm = Math.sqrt(sumSq);
                for (int k = start; k < nnz; k++) {
                    values[k] /= norm;
                }
            }
            indptr[i + 1] = nnz;
        }
        return new SparseMatrix(n, idf.length, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
    }
}
