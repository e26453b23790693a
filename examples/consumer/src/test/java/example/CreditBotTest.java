package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CreditBotTest {
    @Test
    void trainsAgainstTheInstalledArtifacts() {
        double accuracy = CreditBot.trainAndEvaluate();
        // credit_g is 70% "good": a working model beats the majority class
        assertTrue(accuracy > 0.70, "accuracy " + accuracy);
        assertEquals(List.of("LimeTabularExplainer"), CreditBot.explainerNames());
    }
}
