/**
 * Renderers for {@link org.botsec.explain.Explanation}s: a JSON document with snake_case keys, one
 * self-contained HTML page (inline CSS and SVG, no scripts, no network, no external fonts) with class
 * probabilities, weight bars, highlighted text, SHAP waterfall and bar charts, and PNG overlays of image
 * explanations. Every piece of user text is HTML-escaped.
 */
package org.botsec.explain.render;
