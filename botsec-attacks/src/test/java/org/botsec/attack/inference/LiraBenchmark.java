package org.botsec.attack.inference;

import java.util.Locale;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.model.Classifier;

/**
 * Benchmark (not a test): LiRA with 16 shadow models on digits8x8 (target requirement: ≤ 60 s). The baseline is
 * one training of the target model in the same process, so the ratio says how many trainings LiRA costs.
 * How to run it: docs/attacks-privacy.md.
 */
public final class LiraBenchmark {
    private LiraBenchmark() {
    }

    public static void main(String[] args) {
        Dataset all = Builtins.load("digits8x8", Split.ALL);
        int[][] halves = Splits.stratified(all.y(), 0.5, 1);
        Dataset members = all.subset(halves[0]);
        Dataset nonMembers = all.subset(halves[1]);
        run("softmax regression (C=1)", ShadowTrainers.logisticRegression(1.0, false), members, nonMembers);
        run("mlp 64-64-10, 30 epochs", ShadowTrainers.mlp(new int[] {64, 64, 10}, 30, 32, 2e-3), members, nonMembers);
    }

    private static void run(String what, ShadowTrainer trainer, Dataset members, Dataset nonMembers) {
        trainer.train(members, 0); // warm-up
        long t0 = System.nanoTime();
        Classifier target = trainer.train(members, 1);
        double baseline = (System.nanoTime() - t0) / 1e9;
        MembershipData data = MembershipData.forModel(target, members, nonMembers);
        for (MembershipMethod m : new MembershipMethod[] {MembershipMethod.LIRA_ONLINE, MembershipMethod.LIRA_OFFLINE}) {
            long t1 = System.nanoTime();
            MembershipResult r = MembershipInference.builder(m).numShadows(16).shadowTrainer(trainer).seed(7).build()
                    .run(target, data);
            double secs = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "%-28s %-13s 16 shadows: %6.2f s (one target training %.3f s, ratio %.1f) "
                    + "AUC %.3f TPR@1%%FPR %.3f TPR@0.1%%FPR %.3f eps_lb %.3f%n", what, m.label(), secs, baseline,
                    secs / baseline, r.auc(), r.tprAt1PctFpr(), r.tprAt01PctFpr(), r.epsilonBound().epsilon());
        }
    }
}
