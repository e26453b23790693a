/**
 * How BotSec's guard scanners work inside: RE2/J patterns with cheap literal prefilters, check-digit rules
 * (Luhn, ISO 13616 mod-97, SSA rules), the prompt-injection classifier trained on the shipped corpus, and
 * the strict policy-file reader. Nothing here is a stable API; use the scanners through
 * {@link org.botsec.guard.GuardPipeline} and the policy file. Every class is thread-safe once built.
 */
package org.botsec.guard.internal;
