/**
 * Benchmarks of the guard pipeline: in-process latency of one scan of a 1 KB message. Not shipped; the
 * measured numbers and the command that produced them are recorded in {@code docs/guard.md}.
 */
package org.botsec.bench.guard;
