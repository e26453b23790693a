package org.botsec.guard;

/** How a redacted span is rewritten. */
public enum Anonymization {
    /** Replace with the type in angle brackets, e.g. {@code <EMAIL>}. */
    REDACT,
    /** Keep the last four characters, star the rest, e.g. {@code ************1111}. */
    MASK,
    /** Keyed hash (HMAC-SHA256 through Tink, never unsalted): equal values give equal tokens under one key. */
    HASH,
    /** Reversible token (Tink deterministic AEAD, AES-SIV); only a holder of the keyset can reveal the value. */
    PSEUDONYMIZE
}
