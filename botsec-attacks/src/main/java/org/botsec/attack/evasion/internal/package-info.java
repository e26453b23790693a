/**
 * Batched array kernels of the evasion attacks: per-row norms, step directions, projection onto ε-balls and
 * clipping to the value range, all on the row-major arrays of whole batches (no per-example model calls).
 */
package org.botsec.attack.evasion.internal;
