package org.botsec.guard.internal;

import java.util.Map;

/** Validation rules for numbers that carry their own check: payment cards, IBANs, US SSNs, IP addresses. */
public final class Checksums {
    private Checksums() {
    }

    /** Luhn (mod 10) check over a string of ASCII digits (ISO/IEC 7812-1 Annex B). */
    public static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /**
     * Whether the issuer identification number (leading digits) and length fit a known card network's range
     * ({@link CardNetworks}).
     */
    public static boolean knownCardScheme(String digits) {
        return CardNetworks.network(digits).isPresent();
    }

    /** IBAN lengths by ISO 3166 country code (SWIFT IBAN registry). */
    public static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24), Map.entry("DE", 22),
            Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24),
            Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22),
            Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IS", 26), Map.entry("IT", 27),
            Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28), Map.entry("LI", 21),
            Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24),
            Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29),
            Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24),
            Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("TN", 24),
            Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VG", 24), Map.entry("XK", 20));

    /**
     * ISO 13616 check: move the first four characters to the end, letters to numbers (A=10 … Z=35), and the
     * result mod 97 must be 1. Expects upper-case letters and digits only, without spaces.
     */
    public static boolean ibanMod97(String iban) {
        if (iban.length() < 5) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    /**
     * US Social Security Number rules (SSA, after the 2011 randomisation): area not 000, 666 or 900–999;
     * group not 00; serial not 0000.
     */
    public static boolean validSsn(int area, int group, int serial) {
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }

    /** Dotted-quad IPv4 with each octet in 0..255 and no leading zeros (which some parsers read as octal). */
    public static boolean validIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (!Character.isDigit(p.charAt(i)) || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 4291 section 2.2 text form: eight 1–4 digit hex groups, one optional "::", optional IPv4 tail. */
    public static boolean validIpv6(String s) {
        if (s.length() < 2 || s.length() > 45) {
            return false;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int groups = 0;
        boolean sawHex = false;
        for (String part : new String[] {head, tail}) {
            if (part.isEmpty()) {
                continue;
            }
            String[] g = part.split(":", -1);
            for (int i = 0; i < g.length; i++) {
                String x = g[i];
                if (i == g.length - 1 && part == (tail.isEmpty() ? head : tail) && x.indexOf('.') >= 0) {
                    if (!validIpv4(x)) {
                        return false;
                    }
                    groups += 2;
                    sawHex = true;
                    continue;
                }
                if (x.isEmpty() || x.length() > 4) {
                    return false;
                }
                for (int k = 0; k < x.length(); k++) {
                    if (Character.digit(x.charAt(k), 16) < 0) {
                        return false;
                    }
                }
                groups++;
                sawHex = true;
            }
        }
        if (!sawHex) {
            return false;
        }
        return dbl >= 0 ? groups <= 7 : groups == 8;
    }
}
