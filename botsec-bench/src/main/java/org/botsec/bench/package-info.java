/**
 * Benchmarks, not shipped: JMH benchmarks of the hot paths (MLP training step, ghost norms) and {@link
 * org.botsec.bench.Bench}, a one-process side-by-side harness that times BotSec's BLAS-backed code beside
 * plain-Java loop baselines computing the same thing. Results and commands are in {@code docs/benchmarks.md}.
 * Nothing here runs during {@code mvn verify} except small correctness tests of the baselines.
 */
package org.botsec.bench;
