/**
 * Helpers of the semantic detector: the ONNX sentence encoder and the head file reader. Not public API.
 */
package org.botsec.guard.semantic.internal;
