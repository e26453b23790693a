/**
 * BotSec core: the data model every other module speaks about — matrices, data sets, models and their
 * capabilities, training, model files, provenance, randomness and findings. The two exceptions here are the
 * shared vocabulary for "the user's input is wrong" (exit code 2) and "a threshold failed" (exit code 3).
 */
package org.botsec.core;
