/**
 * Explanations of any black-box classifier: LIME for text, tabular rows and images (Ribeiro et al. 2016) and
 * SHAP values by Kernel SHAP, exact enumeration and the linear closed form (Lundberg &amp; Lee 2017). Every
 * explainer needs only a prediction function and returns the same {@link org.botsec.explain.Explanation}, so
 * rendering ({@link org.botsec.explain.render}) does not care how it was computed. Sampling explainers take a
 * seed and record it in the result so that any explanation can be replayed.
 */
package org.botsec.explain;
