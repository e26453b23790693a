package org.botsec.core.model;

/**
 * A trained model that can be saved. The model file format (what goes into which tensor and description field) is
 * not the model's business: {@link org.botsec.core.io.ModelFiles} writes and reads it through the format
 * registered for the model's {@link #type()}.
 */
public interface Model {
    /** The model's type name, as written in model files. */
    String type();
}
