/**
 * The core commands of {@code botsec}: {@code train}, {@code predict}, {@code eval}, {@code models info},
 * {@code models import-linear} and {@code demo}. They parse options, call {@code botsec-core} (data sources,
 * trainers, {@link org.botsec.core.eval.Evaluation}, {@link org.botsec.core.io.ModelFiles}) and render text or
 * one JSON document. Bad input becomes a one-line message and exit code 2 before anything is written.
 */
package org.botsec.cli.core;
