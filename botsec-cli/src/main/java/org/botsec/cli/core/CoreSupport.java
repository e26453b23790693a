package org.botsec.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.ModelInputs;
import org.botsec.core.data.TextDataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.TextClassifier;

/** What the core commands share: loading a model, fitting data to it, evaluating and rendering metrics. */
final class CoreSupport {
    private CoreSupport() {
    }

    /** Loads a model file; the model must give probabilities for numbers or for texts. */
    static Model loadModel(Path path) {
        Model m = ModelFiles.load(path);
        if (!(m instanceof Classifier) && !(m instanceof TextClassifier)) {
            throw BadInputException.of("model %s (type %s) is neither a Classifier nor a TextClassifier", path, m.type());
        }
        return m;
    }

    static List<String> classNames(Model m) {
        return m instanceof Classifier c ? c.classNames() : ((TextClassifier) m).classNames();
    }

    /** The data's features in the model's feature order ({@link ModelInputs#selectFeatures}'s rule). */
    static Matrix alignFeatures(Dataset data, Classifier model, String source) {
        return ModelInputs.selectFeatures(data.x(), data.featureNames(), model.featureNames(), source);
    }

    /** Maps the data's label indices to the model's class indices, by class name. */
    static int[] remapLabels(int[] y, List<String> dataClasses, List<String> modelClasses, String source) {
        return ModelInputs.remapLabels(y, dataClasses, modelClasses, source);
    }

    /** Evaluates a numeric or text model on data given by a spec (CSV path or builtin:NAME[:split]). */
    static Evaluation evaluate(Model model, String spec, String label) {
        List<String> classes = classNames(model);
        if (model instanceof TextClassifier t) {
            TextDataset data = org.botsec.core.data.DataSources.loadText(spec);
            requireRows(data.size(), spec);
            int[] y = remapLabels(data.y(), data.classNames(), classes, spec);
            return Evaluation.of(y, t.predictProba(data.texts()), classes);
        }
        Classifier c = (Classifier) model;
        Dataset data = org.botsec.core.data.DataSources.loadNumeric(spec, label);
        requireRows(data.size(), spec);
        int[] y = remapLabels(data.y(), data.classNames(), classes, spec);
        return Evaluation.of(y, c.predictProba(alignFeatures(data, c, spec)), classes);
    }

    static void requireRows(int n, String spec) {
        if (n == 0) {
            throw BadInputException.of("%s has no rows", spec);
        }
    }

    /** Human-readable metrics table. */
    static void printEvaluation(PrintWriter out, Evaluation e) {
        out.printf(Locale.ROOT, "accuracy   %.4f  (%d examples)%n", e.accuracy(), e.size());
        out.printf(Locale.ROOT, "log loss   %.4f%n", e.logLoss());
        int w = Math.max(9, e.classNames().stream().mapToInt(String::length).max().orElse(0));
        out.printf(Locale.ROOT, "%-" + w + "s  precision  recall  f1      support%n", "class");
        for (Evaluation.ClassMetrics m : e.perClass()) {
            out.printf(Locale.ROOT, "%-" + w + "s  %-9.4f  %-6.4f  %-6.4f  %d%n", m.className(), m.precision(),
                    m.recall(), m.f1(), m.support());
        }
        out.printf(Locale.ROOT, "%-" + w + "s  %-9.4f  %-6.4f  %-6.4f  %d%n", "macro avg", e.macroPrecision(),
                e.macroRecall(), e.macroF1(), e.size());
        if (e.classNames().size() <= 12) {
            out.println("confusion matrix (rows: true class, columns: predicted):");
            int[][] cm = e.confusionMatrix();
            List<String> row = new ArrayList<>();
            for (int i = 0; i < cm.length; i++) {
                row.clear();
                for (int v : cm[i]) {
                    row.add(String.format(Locale.ROOT, "%5d", v));
                }
                out.printf(Locale.ROOT, "  %-" + w + "s %s%n", e.classNames().get(i), String.join("", row));
            }
        }
        out.flush();
    }
}
