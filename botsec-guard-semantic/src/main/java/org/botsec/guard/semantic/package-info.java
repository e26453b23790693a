/**
 * A prompt-injection and jailbreak detector that reads meaning rather than words: the guard's precise rules
 * first, then a small classifier head on sentence embeddings (all-MiniLM-L6-v2, quantised, run in-process
 * by ONNX Runtime). {@link org.botsec.guard.semantic.SemanticInjectionScanner} is a
 * {@link org.botsec.guard.Scanner} and {@link org.botsec.guard.semantic.SemanticGuard#defaults()} the default
 * guard with it in place of the n-gram classifier. The head's weights are trained by a recipe in the test
 * sources on public data kept outside the repository; {@code docs/guard.md} gives its sources and measured
 * figures on held-out public sets.
 */
package org.botsec.guard.semantic;
