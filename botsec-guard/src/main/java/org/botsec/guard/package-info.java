/**
 * Runtime guardrails for a chatbot: scanners for personal data, prompt injection, secrets and
 * system-prompt leaks, anonymisers (redact, mask, keyed hash, reversible pseudonymisation), policy files and
 * per-client rate limits, producing a {@link org.botsec.guard.Verdict} for each message through
 * {@link org.botsec.guard.GuardPipeline}. Every pattern runs in linear time (RE2/J). Encryption at rest
 * lives in {@code crypto}, the tamper-evident log in {@code audit}.
 */
package org.botsec.guard;
