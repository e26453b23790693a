package org.botsec.guard.internal;

// Frozen copy of main's PhoneFinder at commit 464baf0, before the issue #13 speed work: the "before" path that
// PiiStageBenchMain times in the same process as the current code. Not edited except for the class names.

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * Phone numbers in the national formats of several regions, with libphonenumber (Google's numbering-plan
 * metadata, the library Android uses). A number is reported when
 * <ul>
 *   <li>libphonenumber finds it at leniency {@code VALID} for the first (home) region, or</li>
 *   <li>it has at least {@link #MIN_DIGITS_ELSEWHERE} digits, is {@code VALID} for another listed region and
 *       is written like a phone number: with a {@code +}, a leading trunk {@code 0} or a bracketed area code,
 *       or with separators only where that region's national format puts them ({@link #groupedAsRegion}: a
 *       bare run of digits, or "675 62314", which Denmark writes "67 56 23 14", could be any order, account or
 *       house number), or after a context word, or</li>
 *   <li>a context word ("phone", "tel", "mobile", "fax", "Telefon", "téléphone", "móvil", "cellulare" …)
 *       stands in the 40 characters before it and the number, of at least {@link #MIN_DIGITS_ELSEWHERE} digits, is
 *       {@code POSSIBLE} (right length) for a listed region.</li>
 * </ul>
 * Which of the three held is evidence ({@code phone_check}: {@code valid_home_region}, {@code valid_region},
 * {@code possible_with_context}) and the region is evidence too; the score is a rule match either way
 * (a numbering-plan check is not a checksum).
 *
 * <p><b>Security guarantees.</b> Immutable and thread-safe; libphonenumber's matcher is linear with a bounded
 * number of tries per candidate, and it only runs on windows around digit chains.
 */
final class LegacyPhoneFinder {
    /** Lower-case words that, just before a number, say it is a phone number. */
    static final String[] CONTEXT_WORDS = {"phone", "tel", "mobile", "mob.", "cell", "fax", "call", "ring", "whatsapp",
        "contact", "téléphone", "telefon", "handy", "portable",
        "móvil", "movil", "celular", "cellulare", "telefono", "teléfono", "telemóvel", "puhelin", "mobil", "tlf"};
    private static final int CONTEXT_CHARS = 40;
    /**
     * Shortest number accepted outside the home region's VALID check: shorter ones (service numbers, house
     * numbers and postcodes such as "144" or "07576") are valid somewhere far too often.
     */
    static final int MIN_DIGITS_ELSEWHERE = 7;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final List<String> regions;

    /** One found number: {@code [start, end)}, how it was accepted and for which region. */
    record Phone(int start, int end, String check, String region) {
    }

    /** @param regions ISO 3166 regions, home region first; each must be known to libphonenumber */
    LegacyPhoneFinder(List<String> regions) {
        if (regions == null || regions.isEmpty()) {
            throw BadInputException.of("phone regions must not be empty, got %s", regions);
        }
        List<String> upper = new ArrayList<>();
        for (String r : regions) {
            String u = r == null ? "" : r.trim().toUpperCase(Locale.ROOT);
            if (!util.getSupportedRegions().contains(u)) {
                throw BadInputException.of("phone_region must be a supported ISO 3166 region code like US or GB, got %s", r);
            }
            if (!upper.contains(u)) {
                upper.add(u);
            }
        }
        this.regions = List.copyOf(upper);
    }

    List<String> regions() {
        return regions;
    }

    /**
     * Numbers in {@code window} (offsets relative to the window); {@code lower} is the window lower-cased.
     * The home region runs libphonenumber's own matcher ({@code findNumbers}); the other regions only parse
     * the phone-shaped candidates of {@link #candidates} — one {@code findNumbers} pass per region cost about
     * 1 ms per region per 1 KB message, a parse a few microseconds.
     */
    List<Phone> find(String window, String lower) {
        List<Phone> out = new ArrayList<>();
        String home = regions.get(0);
        for (PhoneNumberMatch m : util.findNumbers(window, home, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
            add(out, new Phone(m.start(), m.end(), "valid_home_region", home));
        }
        // valid elsewhere but not grouped as that region writes it: kept only where no better reading exists,
        // so that "01.84.17.61.18" is reported as French (grouped) rather than Irish (valid, differently grouped)
        List<Phone> weaker = new ArrayList<>();
        List<Phone> possible = new ArrayList<>();
        for (int[] c : candidates(window)) {
            String raw = window.substring(c[0], c[1]);
            if (digits(raw) < MIN_DIGITS_ELSEWHERE) {
                continue;
            }
            boolean context = hasContext(lower, c[0]);
            if (!context && !trunkOrCountryCode(raw) && looksLikeHouseNumberOrDate(window, lower, c[0], c[1])) {
                continue;
            }
            boolean grouped = false;
            boolean valid = false;
            for (int i = raw.startsWith("+") ? 0 : 1; i < regions.size() && !grouped; i++) {
                String region = regions.get(i);
                Phonenumber.PhoneNumber number;
                try {
                    number = util.parse(raw, region);
                } catch (NumberParseException e) {
                    continue;
                }
                if (!util.isValidNumber(number) || !raw.startsWith("+") && !util.isValidNumberForRegion(number, region)) {
                    if (context && possible.isEmpty() && util.isPossibleNumber(number)) {
                        possible.add(new Phone(c[0], c[1], "possible_with_context", region));
                    }
                    continue;
                }
                String numberRegion = raw.startsWith("+") ? util.getRegionCodeForNumber(number) : region;
                if (raw.startsWith("+") || separated(raw) && groupedAsRegion(raw, number)) {
                    add(out, new Phone(c[0], c[1], "valid_region", numberRegion == null ? region : numberRegion));
                    grouped = true;
                } else if (!valid && (context || trunkOrCountryCode(raw))) {
                    weaker.add(new Phone(c[0], c[1], "valid_region", region));
                    valid = true;
                }
            }
            possible.forEach(p -> add(weaker, p));
            possible.clear();
        }
        weaker.forEach(p -> add(out, p));
        out.sort(java.util.Comparator.comparingInt(Phone::start));
        return out;
    }

    /**
     * Phone-shaped stretches {@code [start, end)}: an optional '+', then digits in groups separated by one
     * space, dot, dash, slash or bracket (or a bracketed trunk "(0)"), not glued to a letter or digit on
     * either side.
     */
    static List<int[]> candidates(String text) {
        List<int[]> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean startChar = c == '+' || c == '(' || isAsciiDigit(c);
            if (!startChar || i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '+')) {
                i++;
                continue;
            }
            int start = i;
            int lastDigitEnd = -1;
            int j = c == '+' ? i + 1 : i;
            while (j < n) {
                char d = text.charAt(j);
                if (isAsciiDigit(d)) {
                    j++;
                    lastDigitEnd = j;
                } else if ((d == ' ' || d == '.' || d == '-' || d == '(' || d == ')' || d == '\u00a0')
                        && j + 1 < n && (isAsciiDigit(text.charAt(j + 1)) || text.charAt(j + 1) == '(' || d != '(' && d != ')' && text.charAt(j + 1) == '(')) {
                    j++;
                } else if (d == ')' && j + 1 < n && text.charAt(j + 1) == ' ') {
                    j++;
                } else {
                    break;
                }
            }
            boolean extension = lastDigitEnd > 0 && lastDigitEnd + 1 < n && text.charAt(lastDigitEnd) == 'x'
                    && isAsciiDigit(text.charAt(lastDigitEnd + 1));
            if (lastDigitEnd > 0 && (lastDigitEnd >= n || extension || !Character.isLetter(text.charAt(lastDigitEnd)))) {
                int close = text.indexOf(')', start);
                int s = text.charAt(start) == '(' && (close < 0 || close >= lastDigitEnd) ? start + 1 : start;
                out.add(new int[] {s, lastDigitEnd});
            }
            i = Math.max(j, i + 1);
        }
        return out;
    }

    private static final String[] HOUSE_NUMBER_WORDS = {"apt", "apt.", "suite", "unit", "box", "no.", "nr.", "flat"};
    /** Words that, right after a number, label it as a phone number ("781 1704 office"). */
    private static final String[] TRAILING_LABELS = {"office", "fax", "mobile", "home", "work", "cell", "desk", "tel", "phone"};

    /**
     * A digit run read by a region other than the home one, without a trunk '0', '+' or context word, that
     * sits where an address puts numbers ("Apt. 675 62314", "636 1812 Rue de la Gare": after "Apt"/"Suite"/
     * "Box" or before a word other than "office", "fax", "mobile" …) or that is an ISO date ("2020-06-20 14").
     */
    static boolean looksLikeHouseNumberOrDate(String text, String lower, int start, int end) {
        if (end - start >= 10 && text.charAt(start + 4) == '-' && text.charAt(start + 7) == '-') {
            return true;
        }
        int k = end;
        while (k < text.length() && text.charAt(k) == ' ') {
            k++;
        }
        if (k > end && k < text.length() && Character.isLetter(text.charAt(k))) {
            for (String label : TRAILING_LABELS) {
                if (lower.startsWith(label, k)) {
                    return false;
                }
            }
            return true;
        }
        int b = start;
        while (b > 0 && text.charAt(b - 1) == ' ') {
            b--;
        }
        int w = b;
        while (w > 0 && !Character.isWhitespace(text.charAt(w - 1))) {
            w--;
        }
        String previous = lower.substring(w, b);
        for (String h : HOUSE_NUMBER_WORDS) {
            if (previous.equals(h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Keeps the first-found (strongest) reading of a span; a later number replaces the ones it overlaps only if
     * it covers them all and is longer (a longer reading of the same digits, e.g. with its area code).
     */
    private static void add(List<Phone> out, Phone p) {
        List<Phone> overlapping = new ArrayList<>();
        for (Phone q : out) {
            if (q.start() < p.end() && p.start() < q.end()) {
                if (q.start() < p.start() || q.end() > p.end() || q.end() - q.start() == p.end() - p.start()) {
                    return;
                }
                overlapping.add(q);
            }
        }
        out.removeAll(overlapping);
        out.add(p);
    }

    /**
     * Whether the digit groups of a number written without {@code +} are groups of the region's own national
     * format: every place where the writer split the digits is a place where libphonenumber's format for that
     * number splits them ("0490 75 40 81" in Belgium yes, "675 62314" in Denmark, which writes "67 56 23 14",
     * no). Our check rather than {@code Leniency.STRICT_GROUPING}, which logs a warning for every calling
     * code without alternate formats.
     */
    private boolean groupedAsRegion(String raw, Phonenumber.PhoneNumber number) {
        java.util.Set<Integer> national = splits(util.format(number, PhoneNumberUtil.PhoneNumberFormat.NATIONAL));
        return national.containsAll(splits(raw));
    }

    /** Digit counts at which a new group of digits starts (after a non-digit), e.g. "12 345-6" → {2, 5}. */
    private static java.util.Set<Integer> splits(String formatted) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        int count = 0;
        boolean gap = false;
        for (int i = 0; i < formatted.length(); i++) {
            if (Character.isDigit(formatted.charAt(i))) {
                if (gap && count > 0) {
                    out.add(count);
                }
                count++;
                gap = false;
            } else {
                gap = true;
            }
        }
        return out;
    }

    private static int digits(String raw) {
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isDigit(raw.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** Written with a '+', a leading trunk '0' or an area code in brackets. */
    static boolean trunkOrCountryCode(String raw) {
        return raw.startsWith("+") || raw.startsWith("0") || raw.startsWith("(");
    }

    /** A separator between two digit groups. */
    static boolean separated(String raw) {
        for (int i = 1; i + 1 < raw.length(); i++) {
            char c = raw.charAt(i);
            if ((c == ' ' || c == '-' || c == '.' || c == '/') && Character.isDigit(raw.charAt(i - 1))) {
                return true;
            }
        }
        return false;
    }

    static boolean hasContext(String lower, int start) {
        int from = Math.max(0, start - CONTEXT_CHARS);
        String before = lower.substring(from, start);
        for (String w : CONTEXT_WORDS) {
            int k = before.indexOf(w);
            // a word start: "tel" must not match inside "hotel"
            while (k >= 0) {
                if (k + from == 0 || !Character.isLetter(lower.charAt(k + from - 1))) {
                    return true;
                }
                k = before.indexOf(w, k + 1);
            }
        }
        return false;
    }
}
