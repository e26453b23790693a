package org.botsec.core.model.internal.simd;

/**
 * Whether the Vector API kernels ({@link VectorBinary}) run in this JVM: only when the incubating module
 * {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}) and its preferred species has at least 256 bits (AVX2 or wider on
 * x86; without such hardware the API falls back to slow Java loops, so the scalar kernel is used instead). The
 * system property {@code botsec.vector=false} turns the kernels off. Decided once, when this class loads.
 */
public final class Simd {
    /** True when {@link VectorBinary} is used by {@code LinearModel}. */
    public static final boolean AVAILABLE = detect();

    private Simd() {
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("botsec.vector"))) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorBinary.wideEnough();
        } catch (LinkageError e) {
            // the module is present but its classes cannot be used here: the scalar kernel is always correct
            return false;
        }
    }
}
