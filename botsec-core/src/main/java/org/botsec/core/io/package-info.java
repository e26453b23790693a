/**
 * Model files. {@link org.botsec.core.io.ModelFiles} writes a model's weights as a safetensors file (readable
 * by Python's {@code safetensors}) with BotSec's description — type, shapes, class and feature names, text
 * vocabulary, provenance — in the header's {@code __metadata__}, and reads such files back, validating every
 * length, shape and offset before allocating. {@link org.botsec.core.io.ModelRegistry} rebuilds the model for
 * the file's type. Every file carries a SHA-256 per tensor, checked on load; {@link org.botsec.core.io.ModelSignatures}
 * signs and verifies whole files with Ed25519 keys ({@link org.botsec.core.io.ModelSigningKey}, through Tink). {@link org.botsec.core.files.SafeFiles} (internal, shared by the guard and server modules)
 * reads small files with a size bound and replaces them atomically with an fsync. No Java serialisation is used
 * anywhere.
 */
package org.botsec.core.io;
