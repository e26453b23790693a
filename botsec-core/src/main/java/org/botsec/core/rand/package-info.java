/**
 * Secure versus replayable randomness. Nothing in BotSec creates its own random source deep inside: callers
 * pass a {@link org.botsec.core.rand.Randomness}, and results record its seed when it has one.
 */
package org.botsec.core.rand;
