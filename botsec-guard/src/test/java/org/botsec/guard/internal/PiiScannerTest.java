package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Score;
import org.botsec.guard.TestFindings;
import org.botsec.guard.Direction;
import org.junit.jupiter.api.Test;

/** Positives and negatives per PII type; spans are checked by cutting them out of the text. */
class PiiScannerTest {
    private static final PiiScanner PII = PiiScanner.all();

    private static List<String> found(String text, String type) {
        return PII.scan(text, Direction.INPUT).stream().filter(d -> TestFindings.type(d).equals(type))
                .map(d -> text.substring(TestFindings.start(d), TestFindings.end(d))).toList();
    }

    @Test
    void email() {
        assertEquals(List.of("jane.doe+shop@example.co.uk"), found("Mail me at jane.doe+shop@example.co.uk.", "EMAIL"));
        assertEquals(List.of(), found("my handle is @jane and the site is example.com", "EMAIL"));
    }

    @Test
    void creditCardNeedsLuhnAndScheme() {
        assertEquals(List.of("4111 1111 1111 1111"), found("card 4111 1111 1111 1111 exp 12/29", "CREDIT_CARD"));
        assertEquals(List.of("5555-5555-5555-4444"), found("use 5555-5555-5555-4444", "CREDIT_CARD"));
        assertEquals(List.of(), found("card 4111 1111 1111 1112", "CREDIT_CARD"));
        assertEquals(List.of(), found("order 1234567812345678", "CREDIT_CARD"));
    }

    @Test
    void cardsOutsideListedRangesNeedACardWord() {
        // Luhn-valid 16-digit 35xx numbers outside JCB's 3528-3589 (as in presidio-research's generated data)
        assertEquals(List.of("3598899323053410"), found("card number 3598899323053410 is lost", "CREDIT_CARD"));
        assertEquals(List.of(), found("ticket 3598899323053410 is lost", "CREDIT_CARD"));
        assertEquals(List.of("180016070420458"), found("ticket 180016070420458", "CREDIT_CARD")); // legacy JCB
        Finding f = PII.scan("card " + CardNetworksTest.withCheckDigit("350900000000000"), Direction.INPUT).get(0);
        assertEquals("unlisted", f.evidence().get("network"));
        assertEquals("jcb", PII.scan("3530111333300000", Direction.INPUT).get(0).evidence().get("network"));
    }

    @Test
    void phonesInOtherRegionsFormats() {
        assertEquals(List.of("01.84.17.61.18"), found("Appelez le 01.84.17.61.18 demain", "PHONE")); // FR
        assertEquals(List.of("0490 75 40 81"), found("gsm 0490 75 40 81", "PHONE")); // BE mobile
        assertEquals(List.of("030 12345678"), found("Ruf an: 030 12345678", "PHONE")); // DE Berlin
        assertEquals(List.of("(08) 8747 6301"), found("ring (08) 8747 6301", "PHONE")); // AU
        assertEquals(List.of("467 3395"), found("my phone is 467 3395", "PHONE")); // US local, context word
        // house numbers and postcodes that some plan accepts are not phones without a phone-like form
        assertEquals(List.of(), found("Apt. 675 62314 Mellemvej 32", "PHONE"));
        assertEquals(List.of(), found("lives at 144 Main Road, 07576", "PHONE"));
        Finding f = PII.scan("Appelez le 01.84.17.61.18", Direction.INPUT).get(0);
        assertEquals("FR", f.evidence().get("region"));
        assertEquals(Score.ruleMatch(), f.score().orElseThrow());
    }

    @Test
    void europeanStreetAddresses() {
        assertEquals(List.of("Hauptstraße 12"), found("Lieferung an Hauptstraße 12, 10115 Berlin", "STREET_ADDRESS"));
        assertEquals(List.of("Kalverstraat 92"), found("ons kantoor: Kalverstraat 92 Amsterdam", "STREET_ADDRESS"));
        assertEquals(List.of("Via Roma 12"), found("abito in Via Roma 12, Milano", "STREET_ADDRESS"));
        assertEquals(List.of("Calle Mayor 5"), found("vivo en la Calle Mayor 5, Madrid", "STREET_ADDRESS"));
        assertEquals(List.of("12 rue de la Paix"), found("envoyez au 12 rue de la Paix", "STREET_ADDRESS"));
        assertEquals(List.of("221B Baker Street"), found("He lived at 221B Baker Street, London", "STREET_ADDRESS"));
        assertEquals(List.of(), found("the Rue is a plant; route 66 is a song", "STREET_ADDRESS"));
    }

    @Test
    void iban() {
        assertEquals(List.of("GB82 WEST 1234 5698 7654 32"), found("pay to GB82 WEST 1234 5698 7654 32 THANKS", "IBAN"));
        assertEquals(List.of("DE89370400440532013000"), found("IBAN: DE89370400440532013000", "IBAN"));
        assertEquals(List.of(), found("pay to GB82 WEST 1234 5698 7654 33", "IBAN"));
        assertEquals(List.of(), found("code XX82 WEST 1234 5698 7654 32", "IBAN"));
    }

    @Test
    void ssnAreaGroupSerialRules() {
        assertEquals(List.of("123-45-6789"), found("my SSN is 123-45-6789", "US_SSN"));
        assertEquals(List.of(), found("ssn 000-45-6789", "US_SSN"));
        assertEquals(List.of(), found("ssn 666-45-6789", "US_SSN"));
        assertEquals(List.of(), found("ssn 912-45-6789", "US_SSN"));
        assertEquals(List.of(), found("ssn 123-00-6789", "US_SSN"));
        assertEquals(List.of(), found("ssn 123-45-0000", "US_SSN"));
        assertEquals(List.of(), found("ssn 123-45 6789", "US_SSN")); // mixed separators
        // the context phrase is evidence, not a score bump: both are plain rule matches
        Finding withContext = PII.scan("SSN 123-45-6789", Direction.INPUT).get(0);
        Finding without = PII.scan("ref 123-45-6789", Direction.INPUT).stream().filter(d -> TestFindings.type(d).equals("US_SSN")).findFirst().orElseThrow();
        assertEquals(true, withContext.evidence().get("context_phrase"));
        assertEquals(false, without.evidence().get("context_phrase"));
        assertEquals(Score.ruleMatch(), withContext.score().orElseThrow());
        assertEquals("guard.pii.us_ssn", without.ruleId());
    }

    @Test
    void ipAddresses() {
        assertEquals(List.of("192.168.10.7"), found("server at 192.168.10.7.", "IP_ADDRESS"));
        assertEquals(List.of("2001:db8::1"), found("v6 is 2001:db8::1, ok", "IP_ADDRESS"));
        assertEquals(List.of(), found("version 1.2.3.4.5 and 999.1.1.1 and at 10:30:45", "IP_ADDRESS"));
    }

    @Test
    void phoneViaLibphonenumber() {
        assertEquals(List.of("+44 20 7946 0958"), found("call +44 20 7946 0958 today", "PHONE"));
        assertEquals(List.of("(650) 253-0000"), found("call (650) 253-0000 today", "PHONE"));
        assertEquals(List.of(), found("order number 12345", "PHONE"));
        // default region matters for numbers without a country code
        PiiScanner gb = new PiiScanner(EnumSet.of(PiiScanner.Type.PHONE), "GB");
        String text = "ring 020 7946 0958";
        assertEquals(1, gb.scan(text, Direction.INPUT).size());
    }

    @Test
    void phoneDoesNotDuplicateCard() {
        List<Finding> ds = PII.scan("card 4111111111111111", Direction.INPUT);
        assertEquals(List.of("CREDIT_CARD"), ds.stream().map(TestFindings::type).toList());
    }

    @Test
    void dateOfBirthOnlyInContext() {
        assertEquals(List.of("12/03/1985"), found("I was born on 12/03/1985.", "DATE_OF_BIRTH"));
        assertEquals(List.of("1990-07-04"), found("DOB: 1990-07-04", "DATE_OF_BIRTH"));
        assertEquals(List.of("4th of July 1990"), found("my date of birth is 4th of July 1990", "DATE_OF_BIRTH"));
        assertEquals(List.of(), found("the parcel arrives on 12/03/2025", "DATE_OF_BIRTH"));
    }

    @Test
    void personNameAfterContextPhrase() {
        assertEquals(List.of("Jane Smith"), found("Hi, my name is Jane Smith and I need help", "PERSON"));
        assertEquals(List.of("Okafor"), found("Please ask Dr. Okafor", "PERSON"));
        assertEquals(List.of(), found("Is the Smith kettle in stock?", "PERSON"));
    }

    @Test
    void streetAddressAndLocationByContext() {
        assertEquals(List.of("221B Baker Street"), found("send it to 221B Baker Street, London", "STREET_ADDRESS"));
        assertEquals(List.of("12 King's Way"), found("ship to 12 King's Way please", "STREET_ADDRESS"));
        assertEquals(List.of(), found("I bought 3 Street Lamps", "STREET_ADDRESS"));
        assertEquals(List.of("Leeds"), found("I live in Leeds and the parcel is late", "LOCATION"));
        assertEquals(List.of("New York"), found("I'm from New York.", "LOCATION"));
        assertEquals(List.of(), found("I live in hope", "LOCATION"));
    }

    @Test
    void badConfigurationIsRejected() {
        assertThrows(BadInputException.class, () -> new PiiScanner(EnumSet.noneOf(PiiScanner.Type.class), "US"));
        assertThrows(BadInputException.class, () -> new PiiScanner(EnumSet.allOf(PiiScanner.Type.class), "XX"));
        assertThrows(BadInputException.class, () -> PiiScanner.type("SHOE_SIZE"));
    }
}
