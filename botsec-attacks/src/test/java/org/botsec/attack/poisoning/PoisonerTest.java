package org.botsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Builtins;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Poisoner: what changes, what does not, and the one-line errors. The oracle is the clean data set itself. */
class PoisonerTest {
    static final Dataset DIGITS = Builtins.load("digits8x8", Split.TRAIN);

    @Test
    void labelFlipChangesExactlyTheChosenLabelsToOtherClasses() {
        PoisonedData p = Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(0.1).seed(3).build()
                .poison(DIGITS);
        int n = DIGITS.size();
        assertEquals(Math.round(0.1 * n), p.poisonedRows().length);
        boolean[] mask = p.poisonedMask();
        for (int i = 0; i < n; i++) {
            assertEquals(!mask[i], p.data().y()[i] == DIGITS.y()[i], "row " + i);
        }
        assertArrayEquals(DIGITS.x().data(), p.data().x().data(), "label flipping leaves features alone");
    }

    @Test
    void wrongLabelsCoverEveryOtherClass() {
        PoisonedData p = Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(0.5).seed(1).build()
                .poison(DIGITS);
        int[][] seen = new int[10][10];
        for (int i : p.poisonedRows()) {
            seen[DIGITS.y()[i]][p.data().y()[i]]++;
        }
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                assertEquals(a == b, seen[a][b] == 0, "flip " + a + " -> " + b + " seen " + seen[a][b]);
            }
        }
    }

    @Test
    void backdoorStampsTheTriggerAndTheTargetLabelOnRowsOfOtherClasses() {
        Trigger t = Trigger.whiteSquare(64, 2);
        assertEquals(List.of(54, 55, 62, 63), t.featureIndices());
        PoisonedData p = Poisoner.builder().method(PoisonMethod.BACKDOOR).poisonRate(0.05).targetClass(3).trigger(t)
                .seed(9).build().poison(DIGITS);
        boolean[] mask = p.poisonedMask();
        for (int i = 0; i < DIGITS.size(); i++) {
            double[] before = DIGITS.x().row(i);
            double[] after = p.data().x().row(i);
            if (mask[i]) {
                assertNotEquals(3, DIGITS.y()[i]);
                assertEquals(3, p.data().y()[i]);
                for (int j = 0; j < 64; j++) {
                    assertEquals(t.featureIndices().contains(j) ? 1.0 : before[j], after[j], "row " + i + " px " + j);
                }
            } else {
                assertArrayEquals(before, after);
                assertEquals(DIGITS.y()[i], p.data().y()[i]);
            }
        }
        // 72 of 1438 rows, all moved into class 3: the share there is far above the overall rate
        long inTarget = Arrays.stream(p.data().y()).filter(v -> v == 3).count();
        assertEquals(p.poisonedRows().length / (double) inTarget, p.maxClassPoisonShare(), 1e-12);
    }

    @Test
    void theSeedReplaysTheRowsAndAnotherSeedChoosesOthers() {
        Poisoner.Builder a = Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(0.05).seed(11);
        int[] first = a.build().poison(DIGITS).poisonedRows();
        int[] again = Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(0.05).seed(11).build()
                .poison(DIGITS).poisonedRows();
        int[] other = Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(0.05).seed(12).build()
                .poison(DIGITS).poisonedRows();
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN})
    void aRateOutsideTheOpenUnitIntervalIsRejected(double rate) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Poisoner.builder().method(PoisonMethod.LABEL_FLIP).poisonRate(rate).seed(1).build());
        assertEquals("poison rate must be in (0, 1), got " + rate, e.getMessage());
    }

    @Test
    void badSettingsGiveOneLine() {
        assertThrows(IllegalStateException.class, () -> Poisoner.builder().seed(1).seed(2));
        BadInputException size = assertThrows(BadInputException.class, () -> Trigger.whiteSquare(64, 9));
        assertEquals("trigger size must be in [1, 8] for a 8 x 8 image, got 9", size.getMessage());
        BadInputException square = assertThrows(BadInputException.class, () -> Trigger.whiteSquare(30, 2));
        assertTrue(square.getMessage().contains("30 features"), square.getMessage());
        BadInputException target = assertThrows(BadInputException.class, () -> Poisoner.builder()
                .method(PoisonMethod.BACKDOOR).poisonRate(0.1).targetClass(10).trigger(Trigger.whiteSquare(64, 2))
                .seed(1).build().poison(DIGITS));
        assertTrue(target.getMessage().startsWith("target class must be in [0, 10)"), target.getMessage());
        BadInputException flipTarget = assertThrows(BadInputException.class, () -> Poisoner.builder()
                .method(PoisonMethod.LABEL_FLIP).poisonRate(0.1).targetClass(1).seed(1).build());
        assertEquals("label flipping takes no target class; it applies to the backdoor", flipTarget.getMessage());
        BadInputException none = assertThrows(BadInputException.class, () -> Poisoner.builder()
                .method(PoisonMethod.LABEL_FLIP).poisonRate(1e-5).seed(1).build().poison(DIGITS));
        assertTrue(none.getMessage().contains("poisons no row"), none.getMessage());
        BadInputException method = assertThrows(BadInputException.class, () -> PoisonMethod.parse("flip"));
        assertEquals("unknown poisoning method 'flip'; use one of label-flip, backdoor", method.getMessage());
    }
}
