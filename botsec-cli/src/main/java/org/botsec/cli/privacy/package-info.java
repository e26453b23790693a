/**
 * The {@code botsec privacy} commands: {@code epsilon} (the (ε, δ) spent by Poisson-sampled DP-SGD) and
 * {@code noise} (the noise multiplier for a target ε). They parse and validate flags, call
 * {@code org.botsec.privacy.accountant} and render human or JSON output; all logic lives in the library.
 */
package org.botsec.cli.privacy;
