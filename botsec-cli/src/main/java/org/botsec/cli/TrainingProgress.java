package org.botsec.cli;

import java.util.Locale;
import org.botsec.core.train.TrainingListener;

/** Draws a {@link ProgressBar} from a trainer's {@link TrainingListener} callbacks. */
public final class TrainingProgress implements TrainingListener {
    private final ProgressBar bar;
    private int epochs;

    /**
     * @param bar    where to draw
     * @param epochs total epochs, shown as "epoch e/E"
     */
    public TrainingProgress(ProgressBar bar, int epochs) {
        this.bar = bar;
        this.epochs = epochs;
    }

    @Override
    public void onStep(int epoch, int step, int totalSteps, double loss) {
        bar.update(step, totalSteps, String.format(Locale.ROOT, "epoch %d/%d loss %.4f", epoch, epochs, loss));
    }
}
