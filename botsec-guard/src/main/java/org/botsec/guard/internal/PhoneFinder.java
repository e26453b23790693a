package org.botsec.guard.internal;

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
final class PhoneFinder {
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
    /** Per region (index as in {@link #regions}): the digit-count bounds of {@link #rawDigitBounds}. */
    private final DigitBounds[] bounds;
    /** The metadata {@link PhoneNumberUtil#getInstance()} reads ({@code getMetadataForRegion} is not public there). */
    private static final com.google.i18n.phonenumbers.metadata.source.MetadataSource METADATA =
            com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    private static final java.util.concurrent.ConcurrentHashMap<String, DigitBounds> DIGIT_BOUNDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What a candidate's digits must satisfy to be valid for a region: at least {@code minDigits}; at most
     * {@code maxNsn + national}, plus {@code cc.length()} if they start with the calling code {@code cc}, plus
     * {@code idd + cc.length()} if the international-prefix pattern matches their start. {@code unbounded}: no
     * pre-check for the region.
     */
    record DigitBounds(boolean unbounded, int minDigits, int maxNsn, int national, String cc,
            java.util.regex.Pattern iddPattern, int idd) {
        static final DigitBounds NONE = new DigitBounds(true, 0, 0, 0, "", null, 0);

        /** Whether digits {@code d} (ASCII digits only) can parse to a number valid for the region. */
        boolean admits(String d) {
            if (unbounded) {
                return true;
            }
            int n = d.length();
            if (n < minDigits) {
                return false;
            }
            int max = maxNsn + national + (d.startsWith(cc) ? cc.length() : 0);
            if (n > max && iddPattern != null && iddPattern.matcher(d).lookingAt()) {
                max += idd + cc.length();
            }
            return n <= max;
        }
    }

    /** One found number: {@code [start, end)}, how it was accepted and for which region. */
    record Phone(int start, int end, String check, String region) {
    }

    /** @param regions ISO 3166 regions, home region first; each must be known to libphonenumber */
    PhoneFinder(List<String> regions) {
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
        this.bounds = new DigitBounds[this.regions.size()];
        for (int i = 0; i < this.regions.size(); i++) {
            bounds[i] = DIGIT_BOUNDS.computeIfAbsent(this.regions.get(i), r -> rawDigitBounds(util, r));
        }
    }

    /**
     * The range {@code [min, max]} of ASCII digits a candidate written without {@code +} can hold and still parse,
     * with {@code region} as default, to a number that {@code isValidNumberForRegion(number, region)} accepts; a
     * candidate outside it is not parsed for that region (the issue #13 pre-check).
     *
     * <p>Why it is exact. Validity for the region needs the calling code to be the region's and the national
     * significant number (NSN) to have one of the lengths of the region's general description
     * ({@code getNumberTypeHelper} returns {@code UNKNOWN} first thing otherwise). Parsing a candidate without
     * {@code +} takes its ASCII digits (the candidate holds nothing else but spaces, dots, dashes, brackets and
     * no-break spaces) and may then strip: an international prefix (only if the region's IDD pattern matches the
     * digits' start; at most its longest match) followed by the calling code, or else the region's calling code
     * (only if the digits start with it); then a national prefix (a {@code lookingAt} of the national-prefix-for-
     * parsing pattern of the region or, after a calling code, of that code's main region: we take the longest
     * over every region of the calling code), which a transform rule may replace by its own text with groups of
     * the match. Extracting the possible number can only drop digits. So NSN digits ≥ raw digits − (the strips
     * that can apply to these digits) and NSN digits ≤ raw digits + transform rule length × max(1, longest
     * national-prefix match), every {@code $n} group being at most the match. The longest match of each pattern is
     * bounded from its structure ({@link #longestMatch}); a pattern it cannot bound leaves the region without
     * bounds. A skipped region could only have thrown or been invalid, which the loop of {@link #find} answers with
     * {@code continue} — except the {@code possible_with_context} reading, which does not need validity for the
     * region, so the pre-check is not applied while that reading can still be taken, nor to candidates with a
     * {@code +} (their validity is checked for the number's own region).
     */
    static DigitBounds rawDigitBounds(PhoneNumberUtil util, String region) {
        com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata md = METADATA.getMetadataForRegion(region);
        List<Integer> lengths = md == null ? List.of() : md.getGeneralDesc().getPossibleLengthList();
        if (lengths.isEmpty()) {
            return DigitBounds.NONE;
        }
        int minNsn = java.util.Collections.min(lengths);
        int maxNsn = java.util.Collections.max(lengths);
        int idd = longestMatch(md.getInternationalPrefix());
        // after a calling code the parser strips the national prefix of the calling code's main region, which
        // for shared codes (GB/GG/JE, the NANP) need not be this region: take the worst of all of them
        int national = 0;
        int rule = 0;
        for (String r : util.getRegionCodesForCountryCode(md.getCountryCode())) {
            com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata other = METADATA.getMetadataForRegion(r);
            if (other == null) {
                continue;
            }
            int n = longestMatch(other.hasNationalPrefixForParsing() ? other.getNationalPrefixForParsing() : "");
            if (n < 0) {
                return DigitBounds.NONE;
            }
            national = Math.max(national, n);
            rule = Math.max(rule, other.hasNationalPrefixTransformRule() ? other.getNationalPrefixTransformRule().length() : 0);
        }
        if (idd < 0) {
            return DigitBounds.NONE;
        }
        int added = rule * Math.max(1, national);
        String idPattern = md.getInternationalPrefix();
        return new DigitBounds(false, Math.max(0, minNsn - added), maxNsn, national, Integer.toString(md.getCountryCode()),
                idPattern.isEmpty() ? null : java.util.regex.Pattern.compile(idPattern), idd);
    }

    /**
     * An upper bound on the length of any match of {@code regex} (libphonenumber's prefix patterns: digits,
     * classes, {@code \\d}, groups, alternation, {@code ? {n} {n,m}} and zero-width {@code $ ^}), read from its
     * structure: a sequence adds, an alternation takes the longest branch, a quantifier multiplies. -1 when the
     * pattern can match without bound or uses syntax this reader does not know (the region then gets no bounds).
     */
    static int longestMatch(String regex) {
        if (regex == null || regex.isEmpty()) {
            return 0;
        }
        int[] pos = {0};
        int n = maxLen(regex, pos);
        return pos[0] == regex.length() ? n : -1;
    }

    /** Longest match of the alternation starting at {@code pos[0]}, up to an unmatched ')' or the end; -1 if unbounded. */
    private static int maxLen(String re, int[] pos) {
        int best = 0;
        int seq = 0;
        while (pos[0] < re.length()) {
            char c = re.charAt(pos[0]);
            int atom;
            if (c == ')') {
                break;
            } else if (c == '|') {
                best = Math.max(best, seq);
                seq = 0;
                pos[0]++;
                continue;
            } else if (c == '$' || c == '^') {
                pos[0]++;
                continue;
            } else if (c == '(') {
                pos[0]++;
                if (re.startsWith("?:", pos[0])) {
                    pos[0] += 2;
                } else if (re.startsWith("?", pos[0])) {
                    return -1;
                }
                atom = maxLen(re, pos);
                if (atom < 0 || pos[0] >= re.length() || re.charAt(pos[0]) != ')') {
                    return -1;
                }
                pos[0]++;
            } else if (c == '[') {
                int close = re.indexOf(']', pos[0] + 1);
                if (close < 0) {
                    return -1;
                }
                pos[0] = close + 1;
                atom = 1;
            } else if (c == '\\') {
                if (pos[0] + 1 >= re.length() || "dD.-+()[]\\".indexOf(re.charAt(pos[0] + 1)) < 0) {
                    return -1;
                }
                pos[0] += 2;
                atom = 1;
            } else if (c == '*' || c == '+' || c == '{' || c == '?') {
                return -1;
            } else {
                pos[0]++;
                atom = 1;
            }
            // quantifier
            if (pos[0] < re.length()) {
                char q = re.charAt(pos[0]);
                if (q == '*' || q == '+') {
                    return -1;
                } else if (q == '?') {
                    pos[0]++;
                } else if (q == '{') {
                    int close = re.indexOf('}', pos[0]);
                    if (close < 0) {
                        return -1;
                    }
                    String[] parts = re.substring(pos[0] + 1, close).split(",", -1);
                    String max = parts[parts.length - 1].trim();
                    if (max.isEmpty() || !max.chars().allMatch(Character::isDigit)) {
                        return -1;
                    }
                    atom *= Integer.parseInt(max);
                    pos[0] = close + 1;
                }
            }
            seq += atom;
        }
        return Math.max(best, seq);
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
        return find(window, lower, new int[0]);
    }

    /**
     * As {@link #find(String, String)}, but the candidates of the other regions that lie wholly inside one of the
     * spans {@code covered} ({@code [start, end)} pairs, flattened) are not parsed. The caller drops every number
     * that overlaps such a span (another finding, e.g. a card number, holds it), and a skipped candidate could only
     * have displaced or blocked numbers that overlap it — and so that span — too: the caller's result is the same,
     * without 38 regions' parses of each card number ({@code PiiFastPathEquivalenceTest}).
     */
    List<Phone> find(String window, String lower, int[] covered) {
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
            if (inside(c[0], c[1], covered)) {
                continue;
            }
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
            String rawDigits = asciiDigits(raw);
            for (int i = raw.startsWith("+") ? 0 : 1; i < regions.size() && !grouped; i++) {
                String region = regions.get(i);
                // exact pre-check (rawDigitBounds): this region can neither be valid nor give the context reading
                if (!raw.startsWith("+") && !(context && possible.isEmpty())
                        && !bounds[i].admits(rawDigits)) {
                    continue;
                }
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

    private static boolean inside(int start, int end, int[] spans) {
        for (int k = 0; k < spans.length; k += 2) {
            if (spans[k] <= start && end <= spans[k + 1]) {
                return true;
            }
        }
        return false;
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

    private static String asciiDigits(String raw) {
        StringBuilder b = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
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
