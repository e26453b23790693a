package org.botsec.federated.internal;

import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.prov.Provenance;

/** Copies of the models a federation can train (one per worker: models keep per-instance workspaces). */
public final class Models {
    private Models() {
    }

    /** Checks that {@code model} is one this module can copy and train; names what it found otherwise. */
    public static void check(Model model) {
        if (!(model instanceof Mlp) && !(model instanceof LinearModel)) {
            throw new IllegalArgumentException("federated training needs an Mlp or a LinearModel, got "
                    + (model == null ? "null" : model.getClass().getName()));
        }
    }

    /** An independent copy with {@code provenance} (may be null). */
    public static Model copy(Model model, Provenance provenance) {
        if (model instanceof Mlp m) {
            return m.withProvenance(provenance);
        }
        if (model instanceof LinearModel l) {
            return l.withProvenance(provenance);
        }
        throw new IllegalArgumentException("cannot copy " + model.getClass().getName());
    }
}
