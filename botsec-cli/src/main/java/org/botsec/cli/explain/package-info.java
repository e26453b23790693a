/**
 * The {@code botsec explain} commands: {@code lime-text}, {@code lime-tabular}, {@code lime-image} and
 * {@code shap}. They parse flags, load the model file and data, call {@link org.botsec.explain} and print one
 * JSON document ({@code --json}) or a short table, optionally writing the self-contained HTML page
 * ({@code --html}). All logic lives in the library; bad flags or files end with one line and exit code 2.
 */
package org.botsec.cli.explain;
