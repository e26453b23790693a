package org.botsec.guard;

/**
 * One thing a scanner found in a message.
 *
 * @param type    what it is, e.g. {@code EMAIL}, {@code CREDIT_CARD}, {@code PROMPT_INJECTION}, {@code API_KEY}
 * @param start   start offset in the scanned text (UTF-16 index, inclusive)
 * @param end     end offset (exclusive)
 * @param score   confidence in [0, 1]
 * @param scanner name of the scanner that found it
 */
public record Detection(String type, int start, int end, double score, String scanner) {
}
