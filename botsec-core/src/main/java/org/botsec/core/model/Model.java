package org.botsec.core.model;

/** A trained model that can be saved: it gives its state; a loader for its type rebuilds it. */
public interface Model {
    /** The model's type name, as written in model files. */
    String type();

    /** The weights and description to save. */
    ModelState state();
}
