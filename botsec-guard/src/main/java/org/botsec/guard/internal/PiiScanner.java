package org.botsec.guard.internal;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Score;
import org.botsec.guard.Direction;
import org.botsec.guard.Scanner;

/**
 * Personal data with spans and scores. Candidates are found with RE2/J patterns (linear time) and then
 * validated: payment cards by Luhn and issuer/length, IBANs by country length and ISO 13616 mod-97, US SSNs
 * by the SSA area/group/serial rules, IP addresses by their grammar, dates of birth only next to a phrase
 * such as "born on" or "DOB:". Phone numbers come from libphonenumber's {@code findNumbers} at leniency
 * {@code VALID} for a configurable default region. Person names are found only after "my name is", "name:"
 * or a title (Mr, Ms, Dr ...) and places after "I live in", "I'm from", "I am in" ... by context rules, and
 * everywhere else by the statistical tagger {@link NerTagger} (PERSON, LOCATION and, when asked for,
 * ORGANIZATION). Street addresses: US/UK form (house number + capitalised words + a street suffix) and the
 * common European forms — "Hauptstraße 12", "Kalverstraat 92", "Via Roma 12", "Calle Mayor 5", "ul. Słowicza
 * 10", "12 rue de la Paix".
 *
 * <p>Findings are scored by what the check is, not by a guessed confidence: card numbers (Luhn) and IBANs
 * (mod 97) carry {@link Score.Basis#VALIDATED_RULE_MATCH}, the other types {@link Score.Basis#RULE_MATCH}; an
 * SSN records as evidence whether "SSN" or "social security" appears in the message ({@code context_phrase}).
 * Rule IDs, severities and ATLAS techniques are in {@link GuardRule}.
 *
 * <p><b>Security guarantees.</b> Thread-safe; every pattern is RE2/J; libphonenumber's matcher is linear
 * with a bounded number of tries. Findings carry spans and the entity type, never the matched text.
 */
public final class PiiScanner implements Scanner {
    /** The kinds of personal data this scanner knows. */
    public enum Type {
        EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, DATE_OF_BIRTH, PERSON, STREET_ADDRESS, LOCATION, ORGANIZATION
    }

    /**
     * The types {@link #all()} and a policy without {@code pii_types} look for: every type but ORGANIZATION,
     * which names a company, not a person, and is looked for only when asked for.
     */
    public static final Set<Type> DEFAULT_TYPES = java.util.Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Type.ORGANIZATION)));

    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}");
    private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}");
    private static final Pattern SSN = Pattern.compile("(\\d{3})([\\- ])(\\d{2})([\\- ])(\\d{4})");
    private static final Pattern SSN_CONTEXT = Pattern.compile("(?i)\\b(?:ssn|social security)");
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
    private static final Pattern DOB = Pattern.compile("(?i)\\b(?:born(?: on)?|date of birth|d\\.?o\\.?b\\.?|birth ?date|birthday(?: is)?)"
            + "\\s*(?:is|was|:|-|=)?\\s*("
            + "\\d{1,2}[/.\\-]\\d{1,2}[/.\\-]\\d{2,4}"
            + "|\\d{4}-\\d{2}-\\d{2}"
            + "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" + MONTH + ",?\\s+\\d{4}"
            + "|" + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})");
    /** Names after a cue; [ \t] rather than \s so that a match never runs across a line break. */
    private static final Pattern PERSON = Pattern.compile(
            "(?:(?i:my name is|my name's|name[ \\t]*:|call me)[ \\t]+|\\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\\.?[ \\t]+)"
                    + "(\\p{Lu}[\\p{Ll}'\\-]+(?:[ \\t]+\\p{Lu}[\\p{Ll}'\\-]+){0,2})(?:[ \\t]*:)?");

    private static final String STREET_SUFFIX = "(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Way|Drive|Dr|Boulevard|Blvd|Court|Ct"
            + "|Place|Pl|Square|Sq|Terrace|Crescent|Highway|Hwy|Parkway|Row|Strasse|Straße|Gardens|Hill|Walk|Mews)";
    private static final Pattern STREET = Pattern.compile(
            "\\b\\d{1,5}[A-Za-z]?,?\\s+(?:\\p{Lu}[\\p{L}'\\-]+\\s+){1,3}" + STREET_SUFFIX + "\\b\\.?");
    /** German, Dutch, Nordic, Finnish and Hungarian street names end in a street word, the number follows: "Hauptstraße 12". */
    private static final String EU_SUFFIX = "(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|straat|laan|gracht|plein|kade"
            + "|vej|gade|gatan|vägen|väg|veien|gata|gate|tie|katu|kuja|utca|út)";
    /** Italian, Spanish, Portuguese, French (number after), Polish and Greek street words before the name: "Via Roma 12". */
    private static final String EU_PREFIX = "(?:Via|Viale|Piazza|Piazzale|Corso|Vicolo|Largo|Calle|Avenida|Avda\\.|Plaza|Paseo|Carrer|Rua|Travessa"
            + "|Largo|Praça|ul\\.|ulica|al\\.|Aleja|Odos|Rue|Avenue|Boulevard|Chemin|Place|Quai|Allée|Impasse)";
    /** French style, number first: "12 rue de la Paix", "3 bis avenue Foch". */
    private static final String FR_AFTER_NUMBER = "(?i:rue|avenue|av\\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours)";
    private static final Pattern STREET_EU = Pattern.compile(
            "\\b\\p{Lu}[\\p{L}\\-]*" + EU_SUFFIX + "[ \\t]+\\d{1,4}[a-zA-Z]?\\b"
            + "|\\b" + EU_PREFIX + "[ \\t]+(?:[\\p{L}'’.\\-]+[ \\t]+){1,4}\\d{1,4}[a-zA-Z]?\\b"
            + "|\\b\\d{1,4}(?:[ \\t]?(?:bis|ter))?,?[ \\t]+" + FR_AFTER_NUMBER + "[ \\t]+(?:[\\p{L}'’\\-]+[ \\t]?){1,5}");
    private static final String[] EU_STREET_WORDS = {"stra", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "straat",
        "laan", "gracht", "plein", "kade", "vej", "gade", "gatan", "väg", "veien", "gata", "gate", "tie", "katu", "kuja", "utca", "út",
        "via", "viale", "piazza", "corso", "vicolo", "largo", "calle", "avenida", "avda", "plaza", "paseo", "carrer", "rua", "travessa",
        "praça", "ul.", "ulica", "al.", "aleja", "odos", "rue", "avenue", "boulevard", "bd ", "chemin", "place", "quai", "allée",
        "impasse", "route", "cours"};

    private static final Pattern LOCATION = Pattern.compile(
            "(?i:\\bi live in|\\bi'm from|\\bi am from|\\blocated in|\\bbased in|\\bmoved to|\\bliving in|\\bi am in|\\bi'm in"
                    + "|\\bflew to|\\btravell?ing to|\\btrip to|\\bvisiting|\\bwe are in|\\bstaying in)[ \\t]+"
                    + "(\\p{Lu}[\\p{L}'\\-]+(?:[ \\t]+\\p{Lu}[\\p{L}'\\-]+){0,2})(?:[ \\t]*:)?");

    /** Every literal street word of {@link #STREET_EU}, lower-cased: each match holds one of them. */
    private static final String[] EU_MATCH_WORDS = literals(EU_SUFFIX, EU_PREFIX, FR_AFTER_NUMBER);
    /** The cue phrases of {@link #LOCATION}, lower-cased: each match starts with one of them. */
    private static final String[] LOCATION_CUES = {"i live in", "i'm from", "i am from", "located in", "based in", "moved to",
        "living in", "i am in", "i'm in", "flew to", "traveling to", "travelling to", "trip to", "visiting", "we are in", "staying in"};
    private static final String SPACE = " \t\n\f\r"; // RE2's \s
    private static final SegmentSearch STREET_SEARCH = new SegmentSearch(STREET,
            SegmentSearch.DIGITS + SegmentSearch.LETTERS + ",'-" + SPACE); // '.' only at the end of a match
    private static final SegmentSearch STREET_EU_SEARCH = new SegmentSearch(STREET_EU,
            SegmentSearch.DIGITS + SegmentSearch.LETTERS + " \t.,'-");
    private static final SegmentSearch LOCATION_SEARCH = new SegmentSearch(LOCATION,
            SegmentSearch.LETTERS + " \t'-"); // ':' only at the end of a match
    private static final SegmentSearch IPV4_SEARCH = new SegmentSearch(IPV4, SegmentSearch.DIGITS + ".");
    private static final SegmentSearch IPV6_SEARCH = new SegmentSearch(IPV6, SegmentSearch.DIGITS + "ABCDEFabcdef:.");

    /**
     * Whether a street suffix of {@link #STREET} stands in {@code text[start, end)} where the pattern can use it: after
     * a white-space character (RE2's {@code \s}) and before a non-word character or the end ({@code \b}).
     */
    static boolean usStreetWord(String text, int start, int end) {
        for (String w : STREET_WORDS) {
            for (int i = text.indexOf(w, start); i >= 0 && i + w.length() <= end; i = text.indexOf(w, i + 1)) {
                int after = i + w.length();
                if (i > 0 && SPACE.indexOf(text.charAt(i - 1)) >= 0 && (after == text.length() || !isWordChar(text.charAt(after)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a street word of {@link #STREET_EU} stands in {@code folded[start, end)} followed by a space or tab, as
     * each of the pattern's three forms needs ("Hauptstraße 12", "Via Roma", "12 rue de").
     */
    static boolean euStreetWord(String folded, int start, int end) {
        for (String w : EU_MATCH_WORDS) {
            for (int i = folded.indexOf(w, start); i >= 0 && i + w.length() <= end; i = folded.indexOf(w, i + 1)) {
                int after = i + w.length();
                if (after < folded.length() && (folded.charAt(after) == ' ' || folded.charAt(after) == '\t')) {
                    return true;
                }
            }
        }
        return false;
    }

    /** RE2's {@code \w}: ASCII letters, digits and '_'. */
    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** The alternatives of non-capturing groups such as {@code (?:Via|ul\.)}, unescaped and lower-cased. */
    private static String[] literals(String... groups) {
        List<String> out = new ArrayList<>();
        for (String g : groups) {
            String body = g.substring(g.indexOf(':') + 1, g.length() - 1);
            for (String alt : body.split("\\|")) {
                out.add(Prefilter.lowerSameLength(alt.replace("\\.", ".")));
            }
        }
        return out.toArray(String[]::new);
    }

    private static final String[] STREET_WORDS = {"Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Ln", "Close", "Way",
        "Drive", "Dr", "Boulevard", "Blvd", "Court", "Ct", "Place", "Pl", "Square", "Sq", "Terrace", "Crescent", "Highway", "Hwy",
        "Parkway", "Row", "Strasse", "Straße", "Gardens", "Hill", "Walk", "Mews"};

    /**
     * Regions whose national formats are tried after the home region when no region list is given: the
     * countries of the EU/EEA, the UK and Switzerland, North America, Australia/New Zealand and the largest
     * other markets (BR, IN, MX, JP).
     */
    public static final List<String> LIKELY_PHONE_REGIONS = List.of("US", "GB", "CA", "AU", "NZ", "IE", "DE", "FR", "IT", "ES",
            "PT", "NL", "BE", "LU", "CH", "AT", "SE", "DK", "NO", "FI", "IS", "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "HR",
            "SI", "EE", "LV", "LT", "CY", "MT", "BR", "IN", "MX", "JP");

    private final Set<Type> types;
    /** Which of PERSON, LOCATION, ORGANIZATION the statistical tagger reports (context rules always run). */
    private final Set<Type> nerTypes;
    private final PhoneFinder phoneFinder;
    /** Phone numbers are looked for only around digit chains at least this long (see {@link #phoneWindows}). */
    private final int minPhoneDigits;

    /**
     * @param types         which kinds to look for (non-empty)
     * @param defaultRegion ISO 3166 region for phone numbers written without a country code, e.g. {@code US}
     */
    public PiiScanner(Set<Type> types, String defaultRegion) {
        this(types, withLikelyRegions(defaultRegion));
    }

    /**
     * @param types        which kinds to look for (non-empty)
     * @param phoneRegions ISO 3166 regions whose national phone formats are read, the home region first
     */
    public PiiScanner(Set<Type> types, List<String> phoneRegions) {
        this(types, phoneRegions, DEFAULT_NER_TYPES);
    }

    /**
     * Types the statistical tagger reports by default: PERSON only. Places and organisations in ordinary
     * prompts ("What is the capital of France?") are rarely personal data, and redacting them changes the
     * question; LOCATION by the tagger is opt-in, LOCATION after a cue ("I live in …") is always on.
     */
    public static final Set<Type> DEFAULT_NER_TYPES = java.util.Collections.unmodifiableSet(EnumSet.of(Type.PERSON));

    /**
     * @param types        which kinds to look for (non-empty)
     * @param phoneRegions ISO 3166 regions whose national phone formats are read, the home region first
     * @param nerTypes     which of PERSON, LOCATION, ORGANIZATION the statistical tagger reports (may be empty)
     */
    public PiiScanner(Set<Type> types, List<String> phoneRegions, Set<Type> nerTypes) {
        if (types == null || types.isEmpty()) {
            throw BadInputException.of("pii types must not be empty, got %s", types);
        }
        if (nerTypes == null || !EnumSet.of(Type.PERSON, Type.LOCATION, Type.ORGANIZATION).containsAll(nerTypes)) {
            throw BadInputException.of("ner types must be among PERSON, LOCATION, ORGANIZATION, got %s", nerTypes);
        }
        this.nerTypes = nerTypes.isEmpty() ? EnumSet.noneOf(Type.class) : EnumSet.copyOf(nerTypes);
        this.types = EnumSet.copyOf(types);
        this.phoneFinder = new PhoneFinder(phoneRegions);
        int min = Integer.MAX_VALUE;
        for (String r : phoneFinder.regions()) {
            min = Math.min(min, minValidPhoneDigits(r));
        }
        this.minPhoneDigits = this.types.contains(Type.PHONE) ? min : 1;
    }

    private static List<String> withLikelyRegions(String home) {
        List<String> regions = new ArrayList<>();
        regions.add(home == null ? "" : home);
        regions.addAll(LIKELY_PHONE_REGIONS);
        return regions;
    }

    /** All types, phone numbers read as {@code US} when they lack a country code. */
    public static PiiScanner all() {
        return new PiiScanner(DEFAULT_TYPES, "US");
    }

    /** Parses a type name from a policy file. */
    public static Type type(String name) {
        try {
            return Type.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("unknown pii type: %s (known: %s)", name, java.util.Arrays.toString(Type.values()));
        }
    }

    @Override
    public String name() {
        return "pii";
    }

    /** A raw hit before it becomes a {@link Finding}: its evidence (never the matched text) and score. */
    record Hit(Type type, int start, int end, Map<String, Object> evidence, Score score) {
        Hit {
            evidence = Map.copyOf(evidence);
        }
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Hit> hits = hits(text);
        List<Finding> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            GuardRule rule = GuardRule.valueOf(h.type().name());
            Finding.Builder b = rule.at(h.start(), h.end(), h.score(), direction, name());
            new java.util.TreeMap<>(h.evidence()).forEach(b::evidence);
            out.add(b.build());
        }
        return out;
    }

    /** The raw hits in span order. */
    List<Hit> hits(String text) {
        List<Hit> out = new ArrayList<>();
        int digits = Prefilter.digits(text);
        String lower = null;
        if (types.contains(Type.EMAIL) && text.indexOf('@') >= 0) {
            emails(text, out);
        }
        List<int[]> groups = digits >= 9 ? digitGroups(text) : List.of();
        if (types.contains(Type.CREDIT_CARD) && digits >= 12) {
            cards(text, groups, out);
        }
        if (types.contains(Type.IBAN) && Prefilter.ibanStart(text)) {
            ibans(text, out);
        }
        if (types.contains(Type.US_SSN) && digits >= 9) {
            ssns(text, groups, out);
        }
        if (types.contains(Type.IP_ADDRESS)) {
            ips(text, out);
        }
        if (types.contains(Type.DATE_OF_BIRTH) && digits >= 2
                && Prefilter.containsAny(lower = Prefilter.lowerSameLength(text), "born", "birth", "dob", "d.o.b", "d.o.b.")) {
            Matcher m = DOB.matcher(text);
            while (m.find()) {
                out.add(detection(Type.DATE_OF_BIRTH, m.start(1), m.end(1)));
            }
        }
        if (types.contains(Type.PERSON) && (Prefilter.containsAny(text, "Mr", "Ms", "Miss", "Dr", "Prof")
                || Prefilter.containsAny(lower == null ? lower = Prefilter.lowerSameLength(text) : lower, "name", "call me"))) {
            persons(text, lower == null ? Prefilter.lowerSameLength(text) : lower, out);
        }
        if (types.contains(Type.STREET_ADDRESS) && digits >= 1 && Prefilter.containsAny(text, STREET_WORDS)) {
            STREET_SEARCH.find(text, (s, e) -> SegmentSearch.hasDigit(text, s, e) && usStreetWord(text, s, e),
                    (m, offset) -> out.add(detection(Type.STREET_ADDRESS, offset + m.start(), offset + m.end())));
        }
        if (types.contains(Type.STREET_ADDRESS) && digits >= 1
                && Prefilter.containsAny(lower == null ? lower = Prefilter.lowerSameLength(text) : lower, EU_STREET_WORDS)) {
            List<Hit> us = List.copyOf(out);
            String folded = SegmentSearch.foldedLower(lower);
            STREET_EU_SEARCH.find(text, (a, b) -> SegmentSearch.hasDigit(text, a, b) && euStreetWord(folded, a, b), (m, offset) -> {
                int s = offset + m.start();
                int e = offset + m.end();
                while (e > s && (text.charAt(e - 1) == ' ' || text.charAt(e - 1) == '\t')) {
                    e--;
                }
                int fs = s;
                int fe = e;
                if (us.stream().noneMatch(h -> h.type() == Type.STREET_ADDRESS && h.start() < fe && fs < h.end())) {
                    out.add(detection(Type.STREET_ADDRESS, s, e));
                }
            });
        }
        if (types.contains(Type.LOCATION) && Prefilter.containsAny(lower == null ? lower = Prefilter.lowerSameLength(text) : lower,
                "live in", "from", "located in", "based in", "moved to", "living in", " in ", "flew to", "ing to", "trip to", "visiting")) {
            SegmentSearch.Occurrences cues = new SegmentSearch.Occurrences(SegmentSearch.foldedLower(lower), LOCATION_CUES);
            LOCATION_SEARCH.find(text, cues::within, (m, offset) -> {
                if (!text.substring(offset + m.start(1), offset + m.end()).endsWith(":")) {
                    out.add(new Hit(Type.LOCATION, offset + m.start(1), offset + m.end(1), Map.of("method", "context_rule"), Score.ruleMatch()));
                }
            });
        }
        if (nerTypes.stream().anyMatch(types::contains)) {
            entities(text, out);
        }
        if (types.contains(Type.PHONE) && digits >= 3) {
            phones(text, out);
        }
        out.sort(Comparator.comparingInt(Hit::start).thenComparingInt(Hit::end));
        return out;
    }

    /**
     * Names, places and organisations from the statistical tagger ({@link NerTagger}), for the enabled types,
     * where no other finding already covers the span (a context rule's name, an e-mail address, a street
     * address). Scored {@link Score.Basis#UNCALIBRATED_SCORE}: the tagger's margin orders spans but is not a
     * probability.
     */
    private void entities(String text, List<Hit> out) {
        List<Hit> before = List.copyOf(out);
        for (NerTagger.Span span : NerTagger.shipped().find(text)) {
            Type type = switch (span.type()) {
                case "PER" -> Type.PERSON;
                case "LOC" -> Type.LOCATION;
                default -> Type.ORGANIZATION;
            };
            if (!types.contains(type) || !nerTypes.contains(type)) {
                continue;
            }
            boolean covered = before.stream().anyMatch(h -> h.start() < span.end() && span.start() < h.end());
            if (!covered) {
                out.add(new Hit(type, span.start(), span.end(), Map.of("method", "ner"),
                        new Score(span.score(), Score.Basis.UNCALIBRATED_SCORE)));
            }
        }
    }

    static Hit detection(Type type, int start, int end) {
        return new Hit(type, start, end, Map.of(), type == Type.IBAN ? Score.validatedRuleMatch() : Score.ruleMatch());
    }

    /**
     * Maximal runs of digits in which single spaces or dashes may separate digit groups, not touching a
     * letter or digit on either side: {@code [start, end)} pairs. Hand-written because it replaces two
     * regular expressions on the hot path (cards, SSNs).
     */
    static List<int[]> digitGroups(String text) {
        List<int[]> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            int start = i;
            int end = i;
            while (i < n) {
                char d = text.charAt(i);
                if (d >= '0' && d <= '9') {
                    i++;
                    end = i;
                } else if ((d == ' ' || d == '-') && i + 1 < n && text.charAt(i + 1) >= '0' && text.charAt(i + 1) <= '9') {
                    i++;
                } else {
                    break;
                }
            }
            if (end >= n || !Character.isLetter(text.charAt(end))) {
                out.add(new int[] {start, end});
            }
            i = Math.max(i, end + 1);
        }
        return out;
    }

    /** Lower-case words that, shortly before a number, say it is a payment card. */
    static final String[] CARD_WORDS = {"card", "karte", "carte", "tarjeta", "carta", "cartão", "kaart", "kort", "kartu",
        "visa", "mastercard", "amex", "credit", "debit", "cc#", "cc no", "cc:"};

    /**
     * Luhn-valid numbers of 12–19 digits: in a listed network's IIN range and length ({@link CardNetworks}), or
     * — for numbers in no listed range (unassigned, private-label, or a range this table lacks) — with a card
     * word in the 40 characters before them. Both are checksum-validated; the evidence names the network or
     * says {@code unlisted}.
     */
    private static void cards(String text, List<int[]> groups, List<Hit> out) {
        String lower = null;
        for (int[] g : groups) {
            String digits = digitsOnly(text, g[0], g[1]);
            if (digits.length() < 12 || digits.length() > 19 || !Checksums.luhn(digits)) {
                continue;
            }
            Optional<String> network = CardNetworks.network(digits);
            if (network.isPresent()) {
                out.add(new Hit(Type.CREDIT_CARD, g[0], g[1], Map.of("network", network.get()), Score.validatedRuleMatch()));
                continue;
            }
            if (lower == null) {
                lower = Prefilter.lowerSameLength(text);
            }
            String before = lower.substring(Math.max(0, g[0] - 40), g[0]);
            if (Prefilter.containsAny(before, CARD_WORDS) && digits.length() >= 13 && digits.charAt(0) != '0') {
                out.add(new Hit(Type.CREDIT_CARD, g[0], g[1], Map.of("network", "unlisted", "context_phrase", true),
                        Score.validatedRuleMatch()));
            }
        }
    }

    private static void ssns(String text, List<int[]> groups, List<Hit> out) {
        Boolean context = null;
        for (int[] g : groups) {
            if (g[1] - g[0] != 11) {
                continue;
            }
            Matcher m = SSN.matcher(text.substring(g[0], g[1]));
            if (!m.matches() || !m.group(2).equals(m.group(4))) {
                continue;
            }
            int area = Integer.parseInt(m.group(1));
            int group = Integer.parseInt(m.group(3));
            int serial = Integer.parseInt(m.group(5));
            if (Checksums.validSsn(area, group, serial)) {
                if (context == null) {
                    context = SSN_CONTEXT.matcher(text).find();
                }
                out.add(new Hit(Type.US_SSN, g[0], g[1], Map.of("context_phrase", context), Score.ruleMatch()));
            }
        }
    }

    /**
     * E-mail addresses, searched only in a window around each '@' (local part ≤ 64, domain ≤ 255 chars),
     * narrowed to the run of characters the pattern can use: local-part characters before the '@', domain
     * characters after it. A match holds exactly one '@' and only such characters, and the pattern has no
     * look-around or word boundary, so the narrowed window gives the same matches as the wide one (checked
     * against the wide search by {@code EmailWindowPropertyTest}) while the regex reads ~30 characters, not ~320.
     */
    static void emails(String text, List<Hit> out) {
        int at = text.indexOf('@');
        int searchedTo = 0;
        int n = text.length();
        while (at >= 0) {
            int from = Math.max(searchedTo, at - 64);
            int to = Math.min(n, at + 256);
            int l = at;
            while (l > from && isLocalChar(text.charAt(l - 1))) {
                l--;
            }
            int r = at + 1;
            while (r < to && isDomainChar(text.charAt(r))) {
                r++;
            }
            if (l == at || r == at + 1) { // empty local part or domain: no address around this '@'
                at = text.indexOf('@', Math.max(at + 1, searchedTo));
                continue;
            }
            from = l;
            to = r;
            Matcher m = EMAIL.matcher(text.substring(from, to));
            while (m.find()) {
                int s = from + m.start();
                int e = from + m.end();
                if (s <= at && at < e) {
                    out.add(detection(Type.EMAIL, s, e));
                    searchedTo = e;
                }
            }
            at = text.indexOf('@', Math.max(at + 1, searchedTo));
        }
    }

    private static boolean isDomainChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.';
    }

    private static boolean isLocalChar(char c) {
        return isDomainChar(c) || c == '_' || c == '%' || c == '+';
    }

    /** Names after a context phrase, searched only in a short window after each phrase. */
    private static void persons(String text, String lower, List<Hit> out) {
        java.util.TreeSet<Integer> starts = new java.util.TreeSet<>();
        for (String w : new String[] {"my name", "name", "call me"}) {
            for (int k = lower.indexOf(w); k >= 0; k = lower.indexOf(w, k + 1)) {
                starts.add(k);
            }
        }
        for (String w : new String[] {"Mr", "Ms", "Miss", "Dr", "Prof"}) {
            for (int k = text.indexOf(w); k >= 0; k = text.indexOf(w, k + 1)) {
                starts.add(k);
            }
        }
        int covered = -1;
        for (int k : starts) {
            if (k < covered) {
                continue;
            }
            int to = Math.min(text.length(), k + 80);
            Matcher m = PERSON.matcher(text.substring(k, to));
            if (m.lookingAt() && !text.substring(k + m.start(1), k + m.end()).endsWith(":")) {
                int s = k + m.start(1);
                int e = k + m.end(1);
                out.add(new Hit(Type.PERSON, s, e, Map.of("method", "context_rule"), Score.ruleMatch()));
                covered = e;
            }
        }
    }

    private static void ibans(String text, List<Hit> out) {
        Matcher m = IBAN.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            from = m.end();
            String country = text.substring(m.start(), m.start() + 2);
            Integer length = Checksums.IBAN_LENGTHS.get(country);
            if (length == null) {
                continue;
            }
            // The candidate may run into following capitalised words; take exactly the country's length.
            StringBuilder iban = new StringBuilder(length);
            int end = m.start();
            while (end < m.end() && iban.length() < length) {
                char c = text.charAt(end++);
                if (c != ' ') {
                    iban.append(c);
                }
            }
            if (iban.length() == length && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))
                    && Checksums.ibanMod97(iban.toString())) {
                out.add(detection(Type.IBAN, m.start(), end));
                from = end;
            }
        }
    }

    private static void ips(String text, List<Hit> out) {
        if (Prefilter.digitSepDigit(text, '.')) {
            IPV4_SEARCH.find(text, (a, b) -> SegmentSearch.count(text, a, b, '.') >= 3, (m, offset) -> {
                int ms = offset + m.start();
                int me = offset + m.end();
                boolean partOfLonger = (ms > 0 && text.charAt(ms - 1) == '.' && ms > 1 && Character.isDigit(text.charAt(ms - 2)))
                        || (me + 1 < text.length() && text.charAt(me) == '.' && Character.isDigit(text.charAt(me + 1)));
                if (!partOfLonger && Checksums.validIpv4(m.group())) {
                    out.add(detection(Type.IP_ADDRESS, ms, me));
                }
            });
        }
        if (Prefilter.count(text, ':') >= 2) {
            IPV6_SEARCH.find(text, (a, b) -> SegmentSearch.count(text, a, b, ':') >= 2, (m, offset) -> ipv6(text, offset + m.start(), offset + m.end(), out));
        }
    }

    private static void ipv6(String text, int start, int end, List<Hit> out) {
        // trailing sentence punctuation is not part of the address
        while (end > start && (text.charAt(end - 1) == '.' || (text.charAt(end - 1) == ':' && !text.startsWith("::", end - 2)))) {
            end--;
        }
        if (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) {
            return;
        }
        if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
            return;
        }
        String candidate = text.substring(start, end);
        if (candidate.indexOf(':') >= 0 && Checksums.validIpv6(candidate)) {
            out.add(detection(Type.IP_ADDRESS, start, end));
        }
    }

    private void phones(String text, List<Hit> out) {
        List<Hit> others = List.copyOf(out);
        int[] windows = phoneWindows(text, minPhoneDigits);
        for (int w = 0; w < windows.length; w += 2) {
            int offset = windows[w];
            String window = offset == 0 && windows[w + 1] == text.length() ? text : text.substring(offset, windows[w + 1]);
            int[] covered = new int[2 * others.size()];
            int c = 0;
            for (Hit h : others) {
                if (offset <= h.start() && h.end() <= offset + window.length()) {
                    covered[c++] = h.start() - offset;
                    covered[c++] = h.end() - offset;
                }
            }
            for (PhoneFinder.Phone p : phoneFinder.find(window, Prefilter.lowerSameLength(window), java.util.Arrays.copyOf(covered, c))) {
                int start = offset + p.start();
                int end = offset + p.end();
                boolean overlaps = others.stream().anyMatch(d -> d.start() < end && start < d.end())
                        || out.stream().anyMatch(d -> d.type() == Type.PHONE && d.start() < end && start < d.end());
                if (!overlaps) {
                    out.add(new Hit(Type.PHONE, start, end, Map.of("phone_check", p.check(), "region", p.region()), Score.ruleMatch()));
                }
            }
        }
    }

    /** Most non-digit characters libphonenumber's candidate pattern allows between two digit groups is 4; with slack. */
    static final int PHONE_MAX_GAP = 6;
    /** Context kept on each side of a digit chain: covers leading '+'/brackets, extensions and the neighbour checks. */
    static final int PHONE_MARGIN = 64;

    /**
     * The windows {@code [start, end)} (flattened pairs, in order, non-overlapping) in which libphonenumber can
     * find a number: around each chain of Unicode digits whose neighbours are at most {@link #PHONE_MAX_GAP}
     * characters apart and that holds at least {@code minDigits} digits, widened by {@link #PHONE_MARGIN}. A
     * valid number's digits (country code and national number) lie in one such chain, so running
     * {@code findNumbers} only on these windows finds the same numbers as on the whole text — checked against
     * the unfiltered scan by {@code PhoneWindowPropertyTest}. Linear, one pass over the text.
     */
    static int[] phoneWindows(String text, int minDigits) {
        int n = text.length();
        int[] out = new int[8];
        int size = 0;
        int chainStart = -1;
        int chainDigits = 0;
        int lastDigitEnd = -1;
        for (int i = 0; i <= n; ) {
            int cp = i < n ? text.codePointAt(i) : -1;
            int width = i < n ? Character.charCount(cp) : 1;
            boolean digit = cp >= 0 && (cp >= '0' && cp <= '9' || cp > 0x7f && Character.isDigit(cp));
            if (i == n || (digit && chainDigits > 0 && i - lastDigitEnd > PHONE_MAX_GAP)) {
                if (chainDigits >= minDigits) {
                    int s = Math.max(0, chainStart - PHONE_MARGIN);
                    int e = Math.min(n, lastDigitEnd + PHONE_MARGIN);
                    if (s > 0 && Character.isLowSurrogate(text.charAt(s))) {
                        s--;
                    }
                    if (e < n && Character.isLowSurrogate(text.charAt(e))) {
                        e++;
                    }
                    if (size > 0 && s <= out[size - 1]) {
                        out[size - 1] = Math.max(out[size - 1], e);
                    } else {
                        if (size + 2 > out.length) {
                            out = java.util.Arrays.copyOf(out, out.length * 2);
                        }
                        out[size++] = s;
                        out[size++] = e;
                    }
                }
                chainDigits = 0;
            }
            if (digit) {
                if (chainDigits == 0) {
                    chainStart = i;
                }
                chainDigits++;
                lastDigitEnd = i + width;
            }
            i += width;
        }
        return java.util.Arrays.copyOf(out, size);
    }

    /**
     * Fewest digits of any number libphonenumber accepts as valid when written with its calling code (a
     * 2-digit code + a 4-digit national number). A constant because reading it from the metadata loads every
     * region (~0.4 s); {@code PhoneWindowPropertyTest} recomputes it from the metadata and fails if a newer
     * libphonenumber knows a shorter number.
     */
    static final int MIN_INTERNATIONAL_PHONE_DIGITS = 6;

    /**
     * Fewest digits a number can have that libphonenumber accepts as valid when read with {@code region} as
     * default: {@link #MIN_INTERNATIONAL_PHONE_DIGITS}, or the default region's shortest national number
     * written without a code ({@code isPossibleNumberWithReason} answers TOO_SHORT below it).
     */
    static int minValidPhoneDigits(String region) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        return Math.min(MIN_INTERNATIONAL_PHONE_DIGITS, shortestNational(util, util.getCountryCodeForRegion(region)));
    }

    static int shortestNational(PhoneNumberUtil util, int countryCode) {
        long number = 1;
        for (int length = 1; length <= 17; length++, number *= 10) {
            com.google.i18n.phonenumbers.Phonenumber.PhoneNumber p = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber()
                    .setCountryCode(countryCode).setNationalNumber(number);
            if (util.isPossibleNumberWithReason(p) == PhoneNumberUtil.ValidationResult.IS_POSSIBLE) {
                return length;
            }
        }
        return 1;
    }

    private static String digitsOnly(String text, int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
