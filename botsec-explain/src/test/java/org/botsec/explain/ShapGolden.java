package org.botsec.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;

/**
 * The SHAP golden case (golden/README.md): breast-cancer rows, standardised, first 10 features; a scikit-learn
 * logistic regression whose P(class 1) = sigmoid(x·coef + intercept); background rows 0..49. Reference values
 * were produced by numpy brute force (exact) and shap 0.50.0 KernelExplainer (kernel).
 */
final class ShapGolden {
    final Matrix data;
    final List<String> featureNames;
    final double[] coef;
    final double intercept;

    ShapGolden() {
        try {
            JsonNode model = new ObjectMapper().readTree(resource("golden/shap_case_model.json"));
            coef = new double[model.get("coef").size()];
            for (int i = 0; i < coef.length; i++) {
                coef[i] = model.get("coef").get(i).asDouble();
            }
            intercept = model.get("intercept").asDouble();
            List<String[]> rows = csv("golden/shap_case.csv");
            String[] header = rows.get(0);
            featureNames = List.of(header).subList(1, 11);
            data = new Matrix(rows.size() - 1, 10);
            for (int i = 1; i < rows.size(); i++) {
                for (int j = 0; j < 10; j++) {
                    data.set(i - 1, j, Double.parseDouble(rows.get(i)[j + 1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Background background() {
        int[] idx = new int[50];
        for (int i = 0; i < 50; i++) {
            idx[i] = i;
        }
        return Background.of(data.selectRows(idx));
    }

    /** The test-local classifier: P(1) = sigmoid(x·coef + intercept). */
    Classifier classifier() {
        return new Classifier() {
            @Override
            public Matrix predictProba(Matrix x) {
                Matrix out = new Matrix(x.rows(), 2);
                for (int i = 0; i < x.rows(); i++) {
                    double z = intercept;
                    for (int j = 0; j < coef.length; j++) {
                        z += coef[j] * x.get(i, j);
                    }
                    double p = 1 / (1 + Math.exp(-z));
                    out.set(i, 0, 1 - p);
                    out.set(i, 1, p);
                }
                return out;
            }

            @Override
            public List<String> classNames() {
                return List.of("malignant", "benign");
            }

            @Override
            public int numFeatures() {
                return 10;
            }

            @Override
            public List<String> featureNames() {
                return featureNames;
            }
        };
    }

    static InputStream resource(String name) {
        InputStream in = ShapGolden.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return in;
    }

    static List<String[]> csv(String name) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resource(name), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(line.split(","));
                }
            }
        }
        return rows;
    }
}
