package org.botsec.cli.explain;

import java.util.Locale;
import org.botsec.explain.FeatureSelection;
import picocli.CommandLine;

/** Parses --feature-selection case-insensitively, with '-' or '_'. */
final class FeatureSelectionConverter implements CommandLine.ITypeConverter<FeatureSelection> {
    @Override
    public FeatureSelection convert(String value) {
        try {
            return FeatureSelection.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("--feature-selection must be one of auto, "
                    + "forward_selection, highest_weights, lasso_path, none; got '" + value + "'");
        }
    }
}
