/**
 * Bots behind an API, the penetration-test path: a prediction endpoint described by a small mapping file
 * ({@link org.botsec.remote.EndpointMapping}: URL, an auth header read from an environment variable, a request
 * template, a JSON pointer to the probabilities) becomes a {@link org.botsec.core.model.Classifier}
 * ({@link org.botsec.remote.HttpClassifier}) with an exact query budget, a rate limit, retries with back-off
 * and timeouts, so LIME, SHAP and the black-box attacks run against it unchanged and every run knows how many
 * queries it made. Text endpoints (a chat endpoint classified by a prompt) are meant to plug in beside it as a
 * {@link org.botsec.core.model.TextClassifier} over the same transport and budget.
 */
package org.botsec.remote;
