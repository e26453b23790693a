package org.botsec.guard.semantic;

/**
 * Maps a text to a fixed-length vector. Implementations must be thread-safe and deterministic (the same text
 * always gives the same vector), so that a verdict can be reproduced.
 */
@FunctionalInterface
public interface TextEmbedder {
    /** The text's embedding; its length is the same for every text. */
    float[] embed(String text);
}
