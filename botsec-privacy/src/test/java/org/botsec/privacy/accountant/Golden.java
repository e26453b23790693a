package org.botsec.privacy.accountant;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden CSV files in src/test/resources/golden. They were produced by google/differential-privacy
 * python/dp_accounting 0.6.0 (commit b5b0286e313b), with Opacus 1.4.0 for comparison; see the project's
 * golden README: Poisson sampling, add-or-remove adjacency, RdpAccountant default orders, PLDAccountant with
 * value discretization 1e-4, pessimistic estimate, connect-the-dots.
 */
public final class Golden {
    private Golden() {
    }

    /** Rows of a golden CSV as column-name → value maps (simple CSV: no quoted commas in these files). */
    public static List<Map<String, String>> rows(String resource) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource golden/" + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = r.readLine().split(",");
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double d(Map<String, String> row, String key) {
        return Double.parseDouble(row.get(key));
    }
}
