package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.botsec.core.finding.Finding;
import org.botsec.guard.TestFindings;
import org.botsec.guard.Direction;
import org.junit.jupiter.api.Test;

/**
 * The phone pre-filter ({@link PiiScanner#phoneWindows}) must not change what is found: the oracle is the
 * unfiltered scan ({@link PhoneFinder#find} — libphonenumber {@code findNumbers} per region — over the whole
 * text, when the text holds at least three ASCII digits). Compared on thousands of generated messages with
 * phone-like fragments — libphonenumber's own example numbers of many regions in all formats, random digit
 * groups with brackets, dashes, dots, slashes, extensions, fullwidth digits, letters glued on — for
 * several default regions, including Niue whose national numbers have four digits.
 */
class PhoneWindowPropertyTest {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String[] WORDS = {"call", "me", "on", "or", "order", "ref", "at", "the", "Tel:", "phone", "ext.", "x",
        "is", "number", "ID", "from", "2026-11-26", "12:30", "room", "#", "(", ")", "+", "/", "-", ".", ",", "and", "ABC"};
    private static final String[] SEPARATORS = {"", " ", "-", ".", "/", "  ", " - ", "(", ")", "~", "\u00a0", "x", "--", "   ", "     "};
    private static final String[] REGIONS = {"US", "GB", "DE", "FR", "IN", "NU", "SH", "AT", "JP", "BR", "AU", "CH", "IT", "RU", "CN"};

    @Test
    void internationalMinimumIsNoLargerThanTheMetadataSays() {
        int min = Integer.MAX_VALUE;
        for (int cc : UTIL.getSupportedCallingCodes()) {
            min = Math.min(min, Integer.toString(cc).length() + PiiScanner.shortestNational(UTIL, cc));
        }
        assertTrue(PiiScanner.MIN_INTERNATIONAL_PHONE_DIGITS <= min,
                "libphonenumber knows a valid number with " + min + " digits; lower MIN_INTERNATIONAL_PHONE_DIGITS");
        assertEquals(6, min, "libphonenumber 8.13.52's shortest number with calling code");
    }

    @Test
    void shortestValidNumberIsReadFromMetadata() {
        // Niue (+683) has 4-digit national numbers: 3 + 4 digits internationally, 4 when read as NU
        assertTrue(PiiScanner.minValidPhoneDigits("US") <= 7, "global minimum includes +683 xxxx");
        assertEquals(4, PiiScanner.minValidPhoneDigits("NU"));
        assertTrue(UTIL.isValidNumber(UTIL.getExampleNumber("NU")));
    }

    @Test
    void windowedScanFindsExactlyWhatTheFullScanFinds() {
        SplittableRandom r = new SplittableRandom(20261126L);
        int withPhones = 0;
        List<List<String>> regionLists = List.of(List.of("US"), List.of("GB"), List.of("NU"), List.of("DE", "FR", "BE", "AT"),
                PiiScanner.LIKELY_PHONE_REGIONS);
        for (List<String> regions : regionLists) {
            PiiScanner scanner = new PiiScanner(EnumSet.of(PiiScanner.Type.PHONE), regions);
            PhoneFinder oracle = new PhoneFinder(regions);
            String region = regions.toString();
            for (int t = 0; t < (regions.size() > 10 ? 30 : 250); t++) {
                String text = message(r);
                List<int[]> expected = fullScan(text, oracle);
                List<int[]> actual = new ArrayList<>();
                for (Finding d : scanner.scan(text, Direction.INPUT)) {
                    actual.add(new int[] {TestFindings.start(d), TestFindings.end(d)});
                }
                assertEquals(render(expected), render(actual), () -> region + " on: " + text);
                withPhones += expected.isEmpty() ? 0 : 1;
            }
        }
        assertTrue(withPhones > 300, "the generator must produce many real phone numbers, got " + withPhones);
    }

    private static List<int[]> fullScan(String text, PhoneFinder oracle) {
        List<int[]> out = new ArrayList<>();
        if (Prefilter.digits(text) < 3) {
            return out;
        }
        for (PhoneFinder.Phone m : oracle.find(text, Prefilter.lowerSameLength(text))) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }

    private static String render(List<int[]> spans) {
        StringBuilder sb = new StringBuilder();
        for (int[] s : spans) {
            sb.append('[').append(s[0]).append(',').append(s[1]).append(']');
        }
        return sb.toString();
    }

    private static String message(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int parts = 1 + r.nextInt(40);
        for (int p = 0; p < parts; p++) {
            int kind = r.nextInt(10);
            String glue = r.nextInt(8) == 0 ? "" : " ";
            if (kind < 3) {
                sb.append(exampleNumber(r));
            } else if (kind < 6) {
                sb.append(digitGroups(r));
            } else {
                sb.append(WORDS[r.nextInt(WORDS.length)]);
            }
            sb.append(glue);
            if (r.nextInt(15) == 0) {
                sb.append("lorem ipsum dolor sit amet, consectetur adipiscing elit ".repeat(1 + r.nextInt(3)));
            }
        }
        return sb.toString();
    }

    private static String exampleNumber(SplittableRandom r) {
        String region = REGIONS[r.nextInt(REGIONS.length)];
        PhoneNumber n = UTIL.getExampleNumber(region);
        if (n == null) {
            return "";
        }
        PhoneNumberUtil.PhoneNumberFormat[] formats = PhoneNumberUtil.PhoneNumberFormat.values();
        String s = UTIL.format(n, formats[r.nextInt(formats.length)]);
        if (r.nextInt(6) == 0) {
            s = s + (r.nextBoolean() ? " ext. " : " x") + (1 + r.nextInt(9999));
        }
        if (r.nextInt(10) == 0) {
            s = toFullwidth(s);
        }
        return s;
    }

    private static String digitGroups(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) == 0) {
            sb.append(r.nextBoolean() ? "+" : "(");
        }
        int groups = 1 + r.nextInt(5);
        for (int g = 0; g < groups; g++) {
            int len = 1 + r.nextInt(5);
            for (int i = 0; i < len; i++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
            if (g + 1 < groups) {
                sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
            }
        }
        return r.nextInt(12) == 0 ? toFullwidth(sb.toString()) : sb.toString();
    }

    private static String toFullwidth(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(c >= '0' && c <= '9' ? (char) ('\uff10' + (c - '0')) : c);
        }
        return sb.toString();
    }
}
