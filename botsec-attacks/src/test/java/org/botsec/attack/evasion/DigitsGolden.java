package org.botsec.attack.evasion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.botsec.core.data.DataSources;
import org.botsec.core.data.Dataset;
import org.botsec.core.io.LinearModelImport;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;

/** The golden digits case: scikit-learn's logistic regression and the test rows i % 5 == 0 of digits8x8. */
final class DigitsGolden {
    private DigitsGolden() {
    }

    static Path modelJson() {
        try {
            return Path.of(DigitsGolden.class.getResource("/golden/attack_digits_linear.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The model as {@code botsec models import-linear} builds it; the golden file also carries the reference's
     * notes and test predictions, which the import format does not allow, so only its model fields are passed on.
     */
    static LinearModel model() {
        try {
            JsonNode all = new ObjectMapper().readTree(modelJson().toFile());
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            for (String f : new String[] {"type", "feature_names", "classes", "coef", "intercept"}) {
                fields.set(f, all.get(f));
            }
            LinearModelImport.Parsed p = LinearModelImport.parse(fields, "attack_digits_linear.json");
            return p.model();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Dataset test() {
        Dataset all = DataSources.loadNumeric("builtin:digits8x8:all", null);
        return all.subset(IntStream.range(0, all.size()).filter(i -> i % 5 == 0).toArray());
    }

    static Matrix testX() {
        return test().x();
    }

    static int[] testY() {
        Dataset t = test();
        int[] y = t.y();
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Integer.parseInt(t.classNames().get(y[i]));
        }
        return out;
    }
}
