package org.botsec.attack.evasion;

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
     * The model as {@code botsec models import-linear --ignore-unknown} builds it (the golden file also carries the
     * reference's notes and test predictions).
     */
    static LinearModel model() {
        LinearModelImport.Parsed p = LinearModelImport.read(modelJson(), true);
        return p.model();
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
