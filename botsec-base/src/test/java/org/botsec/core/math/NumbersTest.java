package org.botsec.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The one human-readable number format: examples written by hand, and every output parses back to its value. */
class NumbersTest {
    /** Java's Double.toString scientific form, %g's padded form, or a "+" exponent. */
    private static final Pattern OTHER_FORMS = Pattern.compile("\\d(?:E[-+]?\\d|e[-+]0\\d|e\\+\\d)|\\d\\.\\d*0+e-?\\d");

    @Test
    void formatExamples() {
        assertEquals("1e-5", Numbers.format(1e-5));
        assertEquals("1.1e-5", Numbers.format(1.1e-5));
        assertEquals("-2.5e-7", Numbers.format(-2.5e-7));
        assertEquals("4.27123", Numbers.format(4.271234567));
        assertEquals("0.5", Numbers.format(0.5));
        assertEquals("0.0001", Numbers.format(1e-4));
        assertEquals("60000", Numbers.format(60000));
        assertEquals("1e6", Numbers.format(1e6));
        assertEquals("0", Numbers.format(-0.0));
        assertEquals("infinity", Numbers.format(Double.POSITIVE_INFINITY));
        assertEquals("none", Numbers.format((Double) null));
        for (double v : new double[] {1e-5, 3.14159e-12, 0.0416667, 1234.5, 7.5e9}) {
            assertTrue(!OTHER_FORMS.matcher(Numbers.format(v)).find(), Numbers.format(v));
            assertEquals(v, Double.parseDouble(Numbers.format(v)), Math.abs(v) * 1e-5, "parses back");
        }
    }

}
