/**
 * The shared basics every BotSec module uses, kept in the small {@code botsec-base} artifact (no dependencies) so
 * that the guard, the gateway and the LangChain4j adapter do not pull in matrices, BLAS and CSV: the two exceptions
 * that are the shared vocabulary for "the user's input is wrong" (exit code 2) and "a threshold failed" (exit code
 * 3). Findings live in {@code org.botsec.core.finding} and safe file handling in {@code org.botsec.core.files}, in
 * the same artifact.
 */
package org.botsec.core;
