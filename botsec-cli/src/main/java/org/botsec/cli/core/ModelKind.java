package org.botsec.cli.core;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine;

/** The model families {@code botsec train --model} can train. */
public enum ModelKind {
    /** L2-penalised logistic regression (binary, or multinomial for more classes), L-BFGS. */
    LOGREG("logreg"),
    /** Multinomial (softmax) logistic regression; the same trainer as logreg (two classes: sigmoid = softmax). */
    SOFTMAX("softmax"),
    /** Multi-layer perceptron (ReLU hidden layers, softmax output), minibatch Adam. */
    MLP("mlp"),
    /** TF-IDF + logistic regression on texts. */
    TEXT_LOGREG("text-logreg");

    private final String cliName;

    ModelKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public boolean isText() {
        return this == TEXT_LOGREG;
    }

    /** Parses the CLI name, naming the allowed values when it is unknown. */
    static final class Converter implements CommandLine.ITypeConverter<ModelKind> {
        @Override
        public ModelKind convert(String value) {
            for (ModelKind k : values()) {
                if (k.cliName.equals(value.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new CommandLine.TypeConversionException("unknown model '" + value + "'; use one of "
                    + String.join(", ", Candidates.NAMES));
        }
    }

    /** The CLI names, for help texts. */
    static final class Candidates implements Iterable<String> {
        static final java.util.List<String> NAMES = Arrays.stream(values()).map(ModelKind::cliName).toList();

        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }
}
