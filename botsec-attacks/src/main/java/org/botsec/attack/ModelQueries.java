package org.botsec.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an attack (and its own evaluation: clean and adversarial predictions, test-set fidelity) asked of the
 * model under attack, as counted by a {@link QueryCounter}: prediction calls and the rows they carried, input-gradient
 * calls and their rows. Rows are what an endpoint bills and what a query budget limits.
 *
 * @param predictCalls  {@code predictProba} calls
 * @param predictRows   rows (or texts) in those calls
 * @param gradientCalls input-gradient evaluations of whole batches
 * @param gradientRows  rows in those evaluations
 */
public record ModelQueries(long predictCalls, long predictRows, long gradientCalls, long gradientRows) {
    /** Prediction and gradient rows together. */
    public long totalRows() {
        return predictRows + gradientRows;
    }

    /** The JSON form ({@code predict_calls}, {@code predict_rows}, {@code gradient_calls}, ...), stable order. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("predict_calls", predictCalls);
        m.put("predict_rows", predictRows);
        m.put("gradient_calls", gradientCalls);
        m.put("gradient_rows", gradientRows);
        m.put("total_rows", totalRows());
        return m;
    }
}
