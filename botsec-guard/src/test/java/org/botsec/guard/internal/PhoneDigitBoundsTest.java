package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import org.junit.jupiter.api.Test;

/**
 * The per-region pre-check of {@link PhoneFinder} against libphonenumber itself (the oracle): every example number of
 * every type of the 39 default regions, written nationally, with the calling code but no '+', and with the region's
 * "00" international prefix, is parsed for each of the 39 regions; whenever the parse is valid for that region, the
 * region's bounds must admit the digits (else the finder would have skipped a region that matters).
 */
class PhoneDigitBoundsTest {
    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();

    @Test
    void boundsAdmitEveryNumberValidForTheRegion() {
        int checked = 0;
        for (String home : PiiScanner.LIKELY_PHONE_REGIONS) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                Phonenumber.PhoneNumber example = util.getExampleNumberForType(home, type);
                if (example == null) {
                    continue;
                }
                String national = util.format(example, PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
                String withCode = util.format(example, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL).substring(1);
                for (String raw : new String[] {national, withCode, "00 " + withCode}) {
                    String digits = raw.replaceAll("[^0-9]", "");
                    for (String region : PiiScanner.LIKELY_PHONE_REGIONS) {
                        Phonenumber.PhoneNumber n;
                        try {
                            n = util.parse(raw, region);
                        } catch (NumberParseException e) {
                            continue;
                        }
                        if (util.isValidNumberForRegion(n, region)) {
                            checked++;
                            assertTrue(PhoneFinder.rawDigitBounds(util, region).admits(digits),
                                    raw + " is valid for " + region + " but its bounds reject it");
                        }
                    }
                }
            }
        }
        assertTrue(checked > 500, "too few valid parses checked: " + checked);
    }

    @Test
    void longestMatchReadsPatternStructure() {
        assertEquals(2, PhoneFinder.longestMatch("00"));
        assertEquals(6, PhoneFinder.longestMatch("0|180020"));
        assertEquals(7, PhoneFinder.longestMatch("([2-9]\\d{6})$|1"));
        assertEquals(4, PhoneFinder.longestMatch("0(?:0|1[0-4]\\d?)"));
        assertEquals(-1, PhoneFinder.longestMatch("0\\d*"));
    }
}
