/**
 * The picocli command behind {@code botsec fl client --superlink HOST:PORT}: it parses options, loads the node's
 * data partition, builds a {@link org.botsec.flower.FlowerClient} and prints one line per handled message. The
 * botsec CLI registers {@link org.botsec.flower.cli.FlowerClientCommand} as a subcommand; its {@code main} also runs
 * it standalone.
 */
package org.botsec.flower.cli;
