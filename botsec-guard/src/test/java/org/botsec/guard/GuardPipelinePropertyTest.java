package org.botsec.guard;

import org.botsec.core.finding.Finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties over 1,500 random messages (seed 7) mixing words, digits, separators, e-mail and card
 * fragments, surrogate pairs, tag and zero-width characters: no scanner throws (that would block, fail
 * closed), every span lies inside the text, and the verdict text matches the action.
 */
class GuardPipelinePropertyTest {
    private static final String[] PIECES = {"ignore", "previous", "instructions", "my", "order", "name is", "Jane",
            "4111", "1111", "-", " ", ".", ":", "::", "@", "example.com", "a@b.co", "192.168.0.1", "2001:db8::1",
            "\uD83D\uDE00", "\u200B", "\u202E", "\uDB40\uDC41", "GB82", "WEST", "123-45-6789", "born on", "12/03/1985",
            "AKIA", "IOSFODNN7EXAMPLE", "key=", "Zx9Qw2Lm7Rt4", "<|im_start|>", "system:", "\n", "Mr.", "Smith",
            "aWdub3JlIGFsbCBwcmV2aW91cw==", "+44", "20", "7946", "0958", "ｉｇｎｏｒｅ", "é", "\uD800"};

    @Test
    void randomMessagesKeepInvariants() {
        GuardPipeline guard = GuardPipeline.defaults();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_500; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + random.nextInt(25);
            for (int k = 0; k < parts; k++) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
                if (random.nextInt(3) == 0) {
                    sb.append(' ');
                }
            }
            String text = sb.toString();
            for (Direction d : Direction.values()) {
                Verdict v = guard.scan(text, d);
                for (Finding f : v.findings()) {
                    assertTrue(TestFindings.start(f) >= 0 && TestFindings.start(f) < TestFindings.end(f) && TestFindings.end(f) <= text.length(), f + " in " + text.length() + " chars");
                    assertTrue(TestFindings.score(f) > 0 && TestFindings.score(f) <= 1, f.toString());
                }
                assertTrue(v.reasons().stream().noneMatch(r -> r.contains("failed")), "a scanner threw on: " + text + " " + v.reasons());
                switch (v.action()) {
                    case ALLOW -> assertEquals(text, v.text());
                    case BLOCK -> assertEquals("", v.text());
                    case REDACT -> assertNotEquals(text, v.text());
                }
            }
        }
    }
}
