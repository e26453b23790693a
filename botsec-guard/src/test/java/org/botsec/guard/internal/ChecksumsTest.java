package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Check-digit rules against published test values: card numbers are the card networks' documented test
 * numbers (as listed by payment processors), IBANs the ISO 13616 / SWIFT registry examples.
 */
class ChecksumsTest {
    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
            "3530111333300000", "30569309025904", "4012888888881881"})
    void publishedTestCardsPassLuhnAndScheme(String card) {
        assertTrue(Checksums.luhn(card), card);
        assertTrue(Checksums.knownCardScheme(card), card);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "5555555555554445", "378282246310006", "1234567812345678"})
    void changedDigitFailsLuhn(String card) {
        assertFalse(Checksums.luhn(card), card);
    }

    @Test
    void luhnValidButUnknownSchemeOrLength() {
        assertTrue(Checksums.luhn("0000000000000000"));
        assertFalse(Checksums.knownCardScheme("0000000000000000"));
        assertFalse(Checksums.knownCardScheme("41111111111111")); // Visa prefix, 14 digits
    }

    @ParameterizedTest
    @ValueSource(strings = {"GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606",
            "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957"})
    void registryExampleIbansPass(String iban) {
        assertTrue(Checksums.ibanMod97(iban), iban);
        assertTrue(Checksums.IBAN_LENGTHS.get(iban.substring(0, 2)) == iban.length(), iban);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GB82WEST12345698765433", "DE89370400440532013001", "GB28WEST12345698765432"})
    void alteredIbansFail(String iban) {
        assertFalse(Checksums.ibanMod97(iban), iban);
    }

    @Test
    void ssnRules() {
        assertTrue(Checksums.validSsn(123, 45, 6789));
        assertFalse(Checksums.validSsn(0, 45, 6789));
        assertFalse(Checksums.validSsn(666, 45, 6789));
        assertFalse(Checksums.validSsn(900, 45, 6789));
        assertFalse(Checksums.validSsn(999, 45, 6789));
        assertFalse(Checksums.validSsn(123, 0, 6789));
        assertFalse(Checksums.validSsn(123, 45, 0));
        assertTrue(Checksums.validSsn(899, 1, 1));
    }

    @Test
    void ipAddresses() {
        assertTrue(Checksums.validIpv4("192.168.1.1"));
        assertTrue(Checksums.validIpv4("255.255.255.255"));
        assertFalse(Checksums.validIpv4("256.1.1.1"));
        assertFalse(Checksums.validIpv4("01.2.3.4"));
        assertTrue(Checksums.validIpv6("2001:db8::1"));
        assertTrue(Checksums.validIpv6("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
        assertTrue(Checksums.validIpv6("::ffff:192.0.2.128"));
        assertTrue(Checksums.validIpv6("fe80::"));
        assertFalse(Checksums.validIpv6("2001:db8:::1"));
        assertFalse(Checksums.validIpv6("2001:db8::1::2"));
        assertFalse(Checksums.validIpv6("10:30:45"));
        assertFalse(Checksums.validIpv6("12345::1"));
        assertFalse(Checksums.validIpv6("::"));
    }
}
