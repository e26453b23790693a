package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The narrowed e-mail window must find exactly what the previous wide window (64 characters before each '@',
 * 256 after) found. The oracle is that previous implementation, kept below verbatim (from commit cb2b73a);
 * compared on generated texts dense in address characters, several '@' in a row, dots, dashes, long runs
 * past both bounds and glued punctuation.
 */
class EmailWindowPropertyTest {
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}");
    private static final String[] PIECES = {"a", "b", "x", "Z", "9", "0", ".", ".", "-", "_", "+", "%", "@", "@", " ", ",", ";", "<", ">",
        "(", "é", "com", "co.uk", "example", "jane.smith", "@example.com", "-", "..", "\n", "mailto:", "a".repeat(70), "d".repeat(260) + ".org"};

    @Test
    void narrowedWindowFindsExactlyWhatTheWideWindowFinds() {
        SplittableRandom r = new SplittableRandom(42);
        int withEmails = 0;
        for (int t = 0; t < 5_000; t++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + r.nextInt(30);
            for (int p = 0; p < parts; p++) {
                String piece = PIECES[r.nextInt(PIECES.length)];
                sb.append(piece.length() > 60 && r.nextInt(4) != 0 ? "q" : piece);
            }
            String text = sb.toString();
            List<PiiScanner.Hit> expected = new ArrayList<>();
            referenceEmails(text, expected);
            List<PiiScanner.Hit> actual = new ArrayList<>();
            PiiScanner.emails(text, actual);
            assertEquals(expected, actual, text);
            withEmails += expected.isEmpty() ? 0 : 1;
        }
        assertTrue(withEmails > 500, "the generator must produce many addresses, got " + withEmails);
    }

    /** The wide-window search as it was before (verbatim apart from the detection constructor). */
    private static void referenceEmails(String text, List<PiiScanner.Hit> out) {
        int at = text.indexOf('@');
        int searchedTo = 0;
        while (at >= 0) {
            int from = Math.max(searchedTo, at - 64);
            int to = Math.min(text.length(), at + 256);
            Matcher m = EMAIL.matcher(text.substring(from, to));
            while (m.find()) {
                int s = from + m.start();
                int e = from + m.end();
                if (s <= at && at < e) {
                    out.add(PiiScanner.detection(PiiScanner.Type.EMAIL, s, e));
                    searchedTo = e;
                }
            }
            at = text.indexOf('@', Math.max(at + 1, searchedTo));
        }
    }
}
