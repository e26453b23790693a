package org.botsec.guard;

/** What a guard decided for a message; ordered from mildest to strictest. */
public enum Action {
    ALLOW, REDACT, BLOCK
}
