package org.botsec.flower.internal;

import java.util.Optional;

/**
 * The NumPy dtypes a Flower array may carry that BotSec reads and writes: Flower names an array's dtype with
 * {@code str(ndarray.dtype)} and stores its data with {@code np.save}, whose header names it with a type string
 * ({@code descr}, little-endian on the machines Flower runs on).
 */
public enum NpyDtype {
    FLOAT64("float64", "<f8", 8, true),
    FLOAT32("float32", "<f4", 4, true),
    INT64("int64", "<i8", 8, false),
    INT32("int32", "<i4", 4, false);

    private final String flowerName;
    private final String descr;
    private final int width;
    private final boolean floating;

    NpyDtype(String flowerName, String descr, int width, boolean floating) {
        this.flowerName = flowerName;
        this.descr = descr;
        this.width = width;
        this.floating = floating;
    }

    /** The name Flower puts in an Array's {@code dtype} field. */
    public String flowerName() {
        return flowerName;
    }

    /** The {@code .npy} header's type string. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int width() {
        return width;
    }

    /** True for float64 and float32. */
    public boolean floating() {
        return floating;
    }

    public static Optional<NpyDtype> ofFlowerName(String name) {
        for (NpyDtype d : values()) {
            if (d.flowerName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public static Optional<NpyDtype> ofDescr(String descr) {
        for (NpyDtype d : values()) {
            if (d.descr.equals(descr)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The supported Flower names, for messages. */
    public static String supported() {
        return "float64, float32, int64, int32";
    }
}
