package org.botsec.attack.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.botsec.attack.inference.MembershipData;
import org.botsec.attack.inference.MembershipInference;
import org.botsec.attack.inference.MembershipMethod;
import org.botsec.attack.inference.MembershipResult;
import org.botsec.attack.inference.ShadowTrainers;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.botsec.core.data.Splits;
import org.botsec.core.data.Standardizer;
import org.botsec.core.finding.Severity;
import org.botsec.core.model.LinearModel;
import org.botsec.privacy.DpProgressListener;
import org.botsec.privacy.DpResult;
import org.botsec.privacy.DpSgdConfig;
import org.botsec.privacy.DpTraining;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit's direction on real training: a DP-SGD model with a small claimed ε never gets a bound above its claim
 * (several seeds, both the Clopper–Pearson membership bound and the one-run audit), while an overfit non-private
 * model gets a clearly positive bound. References for the p-value: with δ = 0 it is the exact binomial tail
 * (brute-force sum), and with all r guesses correct the bound has the closed form ε = logit(β^(1/r)).
 */
class OneRunAuditTest {
    static final double DELTA = 1e-5;
    static Dataset base;
    static Dataset holdout;
    static Dataset canaries;

    @BeforeAll
    static void data() {
        Dataset all = Builtins.load("credit_g", Split.ALL);
        int[][] split = Splits.stratified(all.y(), 0.5, 3);
        Standardizer s = Standardizer.fit(all.subset(split[0]).x());
        base = s.transform(all.subset(split[0]));
        holdout = s.transform(all.subset(split[1]));
        // Canaries: 200 held-out rows with the wrong label, which only memorisation can fit.
        int[] rows = new int[200];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        Dataset c = holdout.subset(rows);
        int[] flipped = new int[c.size()];
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = 1 - c.y()[i];
        }
        canaries = new Dataset(c.x(), flipped, c.featureNames(), c.classNames(), "");
    }

    @Test
    void pValueWithoutDeltaIsTheBinomialTail() {
        double eps = 0.7;
        double q = 1 / (1 + Math.exp(-eps));
        for (int v = 0; v <= 20; v++) {
            double tail = 0;
            for (int k = v; k <= 20; k++) {
                tail += choose(20, k) * Math.pow(q, k) * Math.pow(1 - q, 20 - k);
            }
            assertEquals(tail, OneRunAudit.pValue(100, 20, v, eps, 0), 1e-12);
        }
    }

    @Test
    void allCorrectGuessesGiveTheClosedForm() {
        double q = Math.pow(0.05, 1.0 / 50);
        assertEquals(Math.log(q / (1 - q)), OneRunAudit.epsilonLowerBound(200, 50, 50, 0, 0.05), 1e-6);
        assertTrue(OneRunAudit.epsilonLowerBound(200, 50, 50, 1e-3, 0.05)
                < OneRunAudit.epsilonLowerBound(200, 50, 50, 0, 0.05), "δ > 0 weakens the bound");
        assertEquals(0, OneRunAudit.epsilonLowerBound(200, 50, 25, 0, 0.05), 0, "chance-level guessing proves nothing");
    }

    @Test
    void overfitNonPrivateModelGetsClearlyPositiveBound() {
        OneRunAudit.Result r = OneRunAudit.run(base, canaries, training -> new OneRunAudit.Trained(
                        ShadowTrainers.mlp(new int[] {base.numFeatures(), 256, 2}, 200, 32, 1e-3).train(training, 9),
                        Optional.empty()),
                25, 25, DELTA, 0.95, 21);
        System.out.printf("one-run audit, non-private MLP: %d/%d correct, eps_lb %.3f%n", r.correct(), r.guesses(),
                r.epsilonLowerBound());
        assertTrue(r.epsilonLowerBound() > 1.0, "non-private overfit model: " + r);
    }

    @Test
    void dpModelsNeverExceedTheirClaim() {
        for (long seed = 1; seed <= 3; seed++) {
            long s = seed;
            OneRunAudit.Result r = OneRunAudit.run(base, canaries, training -> dpTrain(training, s), 25, 25, DELTA,
                    0.95, 100 + seed);
            ClaimCheck check = r.claimCheck().orElseThrow();
            System.out.printf("one-run audit, DP seed %d: claimed eps %.3f, %d/%d correct, eps_lb %.3f%n", seed,
                    check.claim().epsilon(), r.correct(), r.guesses(), r.epsilonLowerBound());
            assertFalse(check.violated(), "one-run bound above the claim: " + check);
            assertEquals(Severity.INFO, check.finding().severity());

            OneRunAudit.Trained dp = dpTrain(base, s);
            MembershipResult m = MembershipInference.builder(MembershipMethod.THRESHOLD).delta(DELTA).build()
                    .run(dp.model(), MembershipData.forModel(dp.model(), base, holdout));
            ClaimCheck mc = new ClaimCheck(m.epsilonBound().epsilon(), DELTA, 0.95, dp.claim().orElseThrow(),
                    "membership.threshold");
            System.out.printf("membership bound, DP seed %d: AUC %.3f eps_lb %.3f claim %.3f%n", seed, m.auc(),
                    m.epsilonBound().epsilon(), mc.claim().epsilon());
            assertFalse(mc.violated(), "membership bound above the claim: " + mc);
        }
    }

    @Test
    void boundAboveClaimIsCritical() {
        ClaimCheck c = new ClaimCheck(2.0, DELTA, 0.95, new PrivacyClaim(1.0, DELTA, "test"), "one_run");
        assertTrue(c.violated());
        assertEquals(Severity.CRITICAL, c.finding().severity());
        assertEquals("privacy.audit.claim_violated", c.finding().ruleId());
        assertThrows(IllegalArgumentException.class,
                () -> new ClaimCheck(2.0, 1e-6, 0.95, new PrivacyClaim(1.0, DELTA, "test"), "one_run"));
    }

    @Test
    void badGuessCountsAreRejected() {
        assertThrows(BadInputException.class, () -> OneRunAudit.run(base, canaries,
                t -> { throw new AssertionError("must not train"); }, 150, 60, DELTA, 0.95, 1));
    }

    private static OneRunAudit.Trained dpTrain(Dataset training, long seed) {
        LinearModel model = LinearModel.zeros(training.featureNames(), training.classNames());
        DpSgdConfig config = DpSgdConfig.builder().l2NormClip(1.0).noiseMultiplier(2.0).learningRate(0.5)
                .batchSize(50).epochs(5).delta(DELTA).insecureSeed(seed).build();
        DpResult r = DpTraining.train(model, training.x(), training.y(), config, new DpProgressListener() { });
        return new OneRunAudit.Trained(model, Optional.of(new PrivacyClaim(r.spent().epsilon(), DELTA, "rdp accountant")));
    }

    private static double choose(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

}
