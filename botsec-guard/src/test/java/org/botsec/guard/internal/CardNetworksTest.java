package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IIN table against published test card numbers: Stripe's "Testing" page (Visa, Mastercard incl. the
 * 2-series, Amex, Discover, Diners, JCB, UnionPay) and Braintree's sandbox card list (Visa, Diners 30/38, JCB);
 * the Mir number is CloudPayments' documented test card. Every number must also pass Luhn, which the test
 * checks, so a mistyped entry fails here rather than passing silently.
 */
class CardNetworksTest {
    @ParameterizedTest
    @CsvSource({
        "4242424242424242, visa", "4000056655665556, visa", "4111111111111111, visa", "4222222222222, visa",
        "5555555555554444, mastercard", "2223003122003222, mastercard", "5200828282828210, mastercard",
        "5105105105105100, mastercard",
        "378282246310005, amex", "371449635398431, amex",
        "6011111111111117, discover", "6011000990139424, discover", "6011981111111113, discover",
        "3056930009020004, diners", "36227206271667, diners", "30569309025904, diners", "38520000023237, diners",
        "3566002020360505, jcb", "3530111333300000, jcb",
        "6200000000000005, unionpay",
        "2201382000000013, mir"})
    void publishedTestNumbers(String number, String network) {
        assertTrue(Checksums.luhn(number), number + " fails Luhn: mistyped test entry");
        assertEquals(Optional.of(network), CardNetworks.network(number), number);
    }

    /**
     * The legacy 15-digit JCB ranges 1800 and 2131 have no published test numbers we know of: numbers are
     * built here with their Luhn check digit computed by a brute-force loop.
     */
    @Test
    void legacyFifteenDigitJcb() {
        for (String body : new String[] {"18000000000000", "21310000000000", "18001234567890", "21319876543210"}) {
            String number = withCheckDigit(body);
            assertEquals(Optional.of("jcb"), CardNetworks.network(number), number);
            assertEquals(Optional.empty(), CardNetworks.network(number + "0"), "16 digits is not a 1800/2131 length");
        }
    }

    @Test
    void lengthsAndRangeEdges() {
        assertEquals(Optional.empty(), CardNetworks.network(withCheckDigit("4111111111111"))); // 14 digits Visa
        assertEquals(Optional.of("mastercard"), CardNetworks.network(withCheckDigit("272099000000000")));
        assertEquals(Optional.empty(), CardNetworks.network(withCheckDigit("272100000000000"))); // just past 2-series
        assertEquals(Optional.of("jcb"), CardNetworks.network(withCheckDigit("358999999999999")));
        assertEquals(Optional.empty(), CardNetworks.network(withCheckDigit("359000000000000"))); // 3590: not JCB
        assertEquals(Optional.empty(), CardNetworks.network(withCheckDigit("350900000000000"))); // 3509: not JCB
        assertEquals(Optional.of("mir"), CardNetworks.network(withCheckDigit("220499999999999")));
        assertEquals(Optional.of("maestro"), CardNetworks.network(withCheckDigit("060400000000000")));
        assertEquals(Optional.empty(), CardNetworks.network(withCheckDigit("00000000000000")));
    }

    static String withCheckDigit(String body) {
        for (char d = '0'; d <= '9'; d++) {
            if (Checksums.luhn(body + d)) {
                return body + d;
            }
        }
        throw new AssertionError("no check digit for " + body);
    }
}
