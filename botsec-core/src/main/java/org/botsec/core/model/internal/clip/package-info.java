/**
 * Clipping arithmetic shared by the {@link org.botsec.core.model.PerExampleGradients} implementations: turning
 * per-group gradient norms into per-row weights so that one weighted backward pass sums the clipped group means.
 * Keeping it in one place guarantees that the generic two-pass path and the fused single-pass paths of the
 * models clip identically. Internal: not part of the public API.
 */
package org.botsec.core.model.internal.clip;
