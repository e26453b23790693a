/**
 * Prediction kernels of {@link org.botsec.core.model.LinearModel}: the portable scalar one and an optional one on
 * the JDK's incubating Vector API ({@code jdk.incubator.vector}, JEP 414), used only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and has 256-bit vectors. Internal: not part of the public API.
 */
package org.botsec.core.model.internal.simd;
