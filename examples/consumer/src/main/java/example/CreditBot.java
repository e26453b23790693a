package example;

import java.util.List;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.LogisticRegression;
import org.botsec.explain.LimeTabularExplainer;

/** A user's program: train a credit model on BotSec's built-in data and print its test accuracy. */
public final class CreditBot {
    private CreditBot() {
    }

    /** Trains logistic regression on credit_g's train split; returns test accuracy. */
    public static double trainAndEvaluate() {
        Dataset train = Builtins.load("credit_g", Split.TRAIN);
        Dataset test = Builtins.load("credit_g", Split.TEST);
        LinearModel model = LogisticRegression.builder().standardize(true).build().fit(train);
        return Evaluation.of(test.y(), model.predictProba(test.x()), test.classNames()).accuracy();
    }

    /** The explain module resolves through the BOM too. */
    public static List<String> explainerNames() {
        return List.of(LimeTabularExplainer.class.getSimpleName());
    }

    public static void main(String[] args) {
        System.out.printf("credit_g test accuracy %.3f%n", trainAndEvaluate());
    }
}
