package org.botsec.core.data;

/** Which part of a built-in data set to load. */
public enum Split {
    /** Every row (for fashion_mnist: train10k followed by t10k). */
    ALL,
    /** The fixed training part. */
    TRAIN,
    /** The fixed test part. */
    TEST
}
