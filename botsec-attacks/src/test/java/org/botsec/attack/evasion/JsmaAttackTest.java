package org.botsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.botsec.core.BadInputException;
import org.botsec.core.linalg.Matrix;
import org.botsec.core.model.LinearModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSMA against IBM ART's SaliencyMapMethod (commit 23539e2c, golden/jsma_digits_art.json, made by running ART on
 * the golden digits logistic regression with targets (y + 1) mod 10), against a brute-force search over every
 * feature pair with a finite-difference Jacobian (the paper's α·|β| criterion), and its L0 budget property.
 */
class JsmaAttackTest {
    static JsonNode art;
    static LinearModel model;
    static Matrix x;
    static int[] y;
    static int[] next;

    @BeforeAll
    static void load() throws Exception {
        art = new ObjectMapper().readTree(JsmaAttackTest.class.getResourceAsStream("/golden/jsma_digits_art.json"));
        model = DigitsGolden.model();
        x = DigitsGolden.testX();
        y = DigitsGolden.testY();
        next = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            next[i] = (y[i] + 1) % 10;
        }
    }

    private static JsonNode setting(double theta, double gamma) {
        for (JsonNode s : art.get("settings")) {
            if (s.get("theta").asDouble() == theta && s.get("gamma").asDouble() == gamma) {
                return s;
            }
        }
        throw new AssertionError("no ART setting " + theta + "/" + gamma);
    }

    private static int[] l0(Matrix adv) {
        int[] out = new int[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                if (adv.get(i, j) != x.get(i, j)) {
                    out[i]++;
                }
            }
        }
        return out;
    }

    @Test
    void matchesArtWithoutBudget() {
        JsonNode s = setting(1.0, 1.0);
        JsmaResult r = JsmaAttack.builder().theta(1).gamma(1).build().run(model, x, y, next);
        int[] adv = r.evasion().adversarialPredictions();
        int[] l0 = l0(r.evasion().adversarial());
        int sameLabel = 0;
        int sameL0 = 0;
        for (int i = 0; i < y.length; i++) {
            sameLabel += adv[i] == s.get("adversarial_labels").get(i).asInt() ? 1 : 0;
            sameL0 += l0[i] == s.get("l0").get(i).asInt() ? 1 : 0;
        }
        System.out.printf("JSMA θ=1 γ=1: labels equal to ART %d/360, L0 equal %d/360, targeted %d (ART %d), "
                + "mean L0 %.3f%n", sameLabel, sameL0, r.targetedSuccesses(),
                s.get("targeted_success_rows").asInt(), r.evasion().metrics().meanL0());
        assertTrue(sameLabel >= 356, "labels equal to ART: " + sameLabel);
        assertTrue(sameL0 >= 356, "L0 equal to ART: " + sameL0);
        assertTrue(Math.abs(r.targetedSuccesses() - s.get("targeted_success_rows").asInt()) <= 2);
        // rows 0-2: the same pixels set to 1
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < x.cols(); j++) {
                assertEquals(s.get("adversarial_rows_0_2").get(i).get(j).asDouble(),
                        r.evasion().adversarial().get(i, j), 1e-6, "row " + i + " feature " + j);
            }
        }
    }

    /**
     * ART checks γ after a step (changed/d ≤ γ, so it may end 2 features over ⌊γ·d⌋); the paper and BotSec never
     * exceed the budget. Where ART stayed within ⌊γ·d⌋ = 6 the runs must agree; no BotSec row changes more.
     */
    @Test
    void budgetIsNeverExceededAndAgreesWithArtWithinIt() {
        JsonNode s = setting(1.0, 0.1);
        JsmaResult r = JsmaAttack.builder().theta(1).gamma(0.1).build().run(model, x, y, next);
        int[] l0 = l0(r.evasion().adversarial());
        int[] adv = r.evasion().adversarialPredictions();
        int within = 0;
        int agree = 0;
        for (int i = 0; i < y.length; i++) {
            assertTrue(l0[i] <= 6, "row " + i + " changed " + l0[i]);
            if (s.get("l0").get(i).asInt() <= 6) {
                within++;
                agree += l0[i] == s.get("l0").get(i).asInt()
                        && adv[i] == s.get("adversarial_labels").get(i).asInt() ? 1 : 0;
            }
        }
        System.out.printf("JSMA θ=1 γ=0.1: %d rows within ART's budget, %d agree; targeted success %.3f%n",
                within, agree, r.targetedSuccessRate());
        assertTrue(agree >= within - 4, agree + " of " + within);
        assertEquals(6.0, r.evasion().metrics().maxL0());
    }

    /** Only the counted features change, each by θ clipped to the range (here: set to 1). */
    @Test
    void changesOnlyCountedPixelsToTheRangeEnd() {
        JsmaResult r = JsmaAttack.builder().theta(1).gamma(0.2).targetClass(TargetClass.RANDOM).seed(3).build()
                .run(model, x, y);
        Matrix adv = r.evasion().adversarial();
        int total = 0;
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                if (adv.get(i, j) != x.get(i, j)) {
                    assertEquals(1.0, adv.get(i, j));
                    total++;
                }
            }
            assertTrue(r.targetClasses()[i] != y[i]);
        }
        assertEquals(r.evasion().metrics().meanL0() * x.rows(), total, 1e-9);
        assertArrayEquals(adv.data(), JsmaAttack.builder().theta(1).gamma(0.2).targetClass(TargetClass.RANDOM)
                .seed(3).build().run(model, x, y).evasion().adversarial().data(), 0.0, "replay");
        assertEquals(3L, r.evasion().seed().getAsLong());
        assertTrue(r.toReport().metrics().containsKey("targeted_success_rate"));
    }

    /**
     * The paper's pair search, done by brute force: the Jacobian of all class probabilities by central finite
     * differences, then α·|β| over every pair of the search domain with α &gt; 0, β &lt; 0. The first pair JSMA
     * changes (budget of 2 features) must be the maximiser.
     */
    @Test
    void firstPairIsThePapersSaliencyMaximiser() {
        JsmaAttack one = JsmaAttack.builder().theta(1).gamma(2.0 / 64).build();
        int k = model.numClasses();
        int d = x.cols();
        for (int i = 0; i < 12; i++) {
            Matrix row = x.selectRows(new int[] {i});
            int t = next[i];
            double[][] jac = new double[k][d];
            double h = 1e-6;
            for (int j = 0; j < d; j++) {
                Matrix plus = row.copy();
                Matrix minus = row.copy();
                plus.set(0, j, row.get(0, j) + h);
                minus.set(0, j, row.get(0, j) - h);
                Matrix pp = model.predictProba(plus);
                Matrix pm = model.predictProba(minus);
                for (int c = 0; c < k; c++) {
                    jac[c][j] = (pp.get(0, c) - pm.get(0, c)) / (2 * h);
                }
            }
            double best = 0;
            int bp = -1;
            int bq = -1;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (row.get(0, p) >= 1 || row.get(0, q) >= 1) {
                        continue;
                    }
                    double alpha = jac[t][p] + jac[t][q];
                    double beta = 0;
                    for (int c = 0; c < k; c++) {
                        if (c != t) {
                            beta += jac[c][p] + jac[c][q];
                        }
                    }
                    if (alpha > 0 && beta < 0 && alpha * -beta > best) {
                        best = alpha * -beta;
                        bp = p;
                        bq = q;
                    }
                }
            }
            Matrix adv = one.run(model, row, new int[] {y[i]}, new int[] {t}).evasion().adversarial();
            int[] changed = java.util.stream.IntStream.range(0, d).filter(j -> adv.get(0, j) != row.get(0, j))
                    .toArray();
            assertArrayEquals(new int[] {bp, bq}, changed, "row " + i);
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertTrue(assertThrows(BadInputException.class, () -> JsmaAttack.builder().theta(0).build())
                .getMessage().contains("theta must be non-zero and finite, got 0.0"));
        assertTrue(assertThrows(BadInputException.class, () -> JsmaAttack.builder().gamma(1.5).build())
                .getMessage().contains("gamma must be in (0, 1], got 1.5"));
        assertThrows(IllegalStateException.class, () -> JsmaAttack.builder().theta(1).theta(1));
    }
}
