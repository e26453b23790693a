/**
 * Numerical helpers of the poisoning detectors: hidden-layer representations of an MLP, a symmetric
 * eigendecomposition (cyclic Jacobi) for PCA and top singular vectors, and seeded 2-means.
 */
package org.botsec.attack.poisoning.internal;
