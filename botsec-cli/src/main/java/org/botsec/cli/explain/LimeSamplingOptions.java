package org.botsec.cli.explain;

import picocli.CommandLine.Option;

/** Options shared by {@code lime-text} and {@code lime-tabular}: neighbourhood size, explained class and seed. */
final class LimeSamplingOptions {
    @Option(names = "--num-samples", defaultValue = "5000", paramLabel = "N", description = "Neighbourhood size (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--label", paramLabel = "L", description = "Class to explain, by name or index (default: 1 for two classes, else the predicted class).")
    String label;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for replayable sampling (default: random, printed).")
    Long seed;
}
