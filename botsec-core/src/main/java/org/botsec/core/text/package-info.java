/**
 * Text features: a tokenizer with scikit-learn's default rules and a TF-IDF vectorizer that reproduces
 * scikit-learn's {@code TfidfVectorizer()} defaults (alphabetical vocabulary, smooth idf, l2-normalised rows).
 * Vectors are produced dense ({@link org.botsec.core.linalg.Matrix}) for small batches and sparse
 * ({@link org.botsec.core.text.SparseMatrix}) for training on whole corpora.
 */
package org.botsec.core.text;
