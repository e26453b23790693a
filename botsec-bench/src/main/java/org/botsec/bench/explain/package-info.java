/**
 * JMH benchmarks of the explainers against the reference implementations' timings quoted in issue #4: LIME
 * text {@code explain_instance} with 5,000 samples on the TF-IDF + logistic-regression pipeline, and Kernel
 * SHAP on 30 features with 100 background rows and 2,048 coalitions. How they were run and the figures are in
 * docs/explain.md.
 */
package org.botsec.bench.explain;
