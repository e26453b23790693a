/**
 * Implementation details of the explainers: weighted ridge and lasso-path fits, LIME's neighbourhood samplers,
 * the text indexer, the quartile discretiser, superpixel segmentation and the coalition machinery of SHAP. Not
 * a public API: it may change without notice; use {@link org.botsec.explain} instead.
 */
package org.botsec.explain.internal;
