package org.botsec.explain.internal;

import java.util.HashSet;
import java.util.Set;
import org.botsec.core.BadInputException;

/**
 * The explainers' builders' one rule for arguments: each setting may be made once (a second call is a mistake, not
 * an override), and a null or otherwise bad argument is a {@link BadInputException} naming the setting.
 */
public final class BuilderSettings {
    private final String builder;
    private final Set<String> made = new HashSet<>();

    /** @param builder the builder's name for messages, e.g. "ShapExplainer" */
    public BuilderSettings(String builder) {
        this.builder = builder;
    }

    /** Records that {@code setting} is made; throws when it was made before. */
    public void once(String setting) {
        if (!made.add(setting)) {
            throw BadInputException.of("%s: %s is set twice; set it once", builder, setting);
        }
    }

    /** Records {@code setting} (see {@link #once}) and returns {@code value}, refusing null. */
    public <T> T once(String setting, T value) {
        if (value == null) {
            throw BadInputException.of("%s: %s must not be null", builder, setting);
        }
        once(setting);
        return value;
    }

    /** Whether {@code setting} was made. */
    public boolean made(String setting) {
        return made.contains(setting);
    }
}
