/**
 * The model file format of each model type: which tensors and description fields a model is written as, and how
 * it is rebuilt and validated when read. Kept out of the model classes so that they hold only the mathematics;
 * {@link org.botsec.core.io.ModelRegistry} maps a type name to its format. Not a public API: use
 * {@link org.botsec.core.io.ModelFiles}.
 */
package org.botsec.core.io.internal;
