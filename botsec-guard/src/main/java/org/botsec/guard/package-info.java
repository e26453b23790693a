/**
 * Runtime guardrails for a chatbot: scanners for personal data, prompt injection and secrets, anonymisers,
 * policies and rate limits, producing a {@link org.botsec.guard.Verdict} for each message. Encryption at
 * rest lives in {@code crypto}, the tamper-evident log in {@code audit}.
 */
package org.botsec.guard;
