/**
 * Implementation details of {@link org.botsec.core.model.Mlp}: per-batch-size workspaces that make the forward
 * and backward passes allocation-free, the ghost-norm computation of per-example and per-group gradient norms,
 * and the JSON form of a model's provenance. Not public API: names and signatures may change without notice.
 */
package org.botsec.core.model.internal.mlp;
