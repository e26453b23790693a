/**
 * The {@code botsec} command line: thin picocli commands that parse, call the library and render. Each area
 * has its own sub-package; {@link org.botsec.cli.Botsec#execute} runs it with injected writers for tests.
 */
package org.botsec.cli;
