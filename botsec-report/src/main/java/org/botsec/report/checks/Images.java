package org.botsec.report.checks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.botsec.attack.evasion.EvasionResult;
import org.botsec.attack.inference.Png;
import org.botsec.core.data.Dataset;

/** Adversarial examples as PNG images for the report: clean and adversarial side by side, for square images. */
final class Images {
    private Images() {
    }

    /** Up to {@code max} flipped rows as "clean" and "adversarial" images; none when the rows are not square. */
    static Map<String, byte[]> adversarialExamples(EvasionResult r, Dataset rows, int max) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        int d = rows.numFeatures();
        int side = (int) Math.round(Math.sqrt(d));
        if (side * side != d) {
            return out;
        }
        int scale = Math.max(1, 112 / side);
        int[] clean = r.cleanPredictions();
        int[] adv = r.adversarialPredictions();
        for (int i = 0; i < rows.size() && out.size() < 2 * max; i++) {
            if (clean[i] == rows.y()[i] && adv[i] != clean[i]) {
                String truth = rows.classNames().get(rows.y()[i]);
                String now = rows.classNames().get(adv[i]);
                out.put("row " + i + ": clean (" + truth + ")", Png.greyBytes(rows.x().row(i), side, side, 0, 1, scale));
                out.put("row " + i + ": adversarial (" + now + ")",
                        Png.greyBytes(r.adversarial().row(i), side, side, 0, 1, scale));
            }
        }
        return out;
    }
}
