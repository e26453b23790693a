package org.botsec.guard.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.guard.Direction;
import org.botsec.guard.Scanner;

/**
 * Prompt injection and jailbreak attempts (Greshake et al. 2023, <i>Not what you've signed up for</i>;
 * Perez and Ribeiro 2022, <i>Ignore Previous Prompt</i>). Three layers:
 * <ol>
 *   <li>rules for the known families — instruction override, role hijack, system-prompt extraction,
 *       delimiter injection — as RE2/J patterns over the lower-cased text;</li>
 *   <li>hidden text: Unicode tag characters (U+E0000–E007F), zero-width characters and bidirectional
 *       overrides are reported as {@code INVISIBLE_UNICODE}; tag characters are also decoded to ASCII, and
 *       base64, hex and ROT13 payloads are decoded and scanned again (one level deep);</li>
 *   <li>the trained {@link InjectionClassifier}, whose output becomes a whole-message finding when it
 *       reaches {@code threshold}.</li>
 * </ol>
 * Findings have entity type {@code PROMPT_INJECTION} or {@code INVISIBLE_UNICODE} and one rule ID per layer
 * and family ({@link GuardRule}, e.g. {@code guard.injection.role_hijack}). Rule and hidden-text findings
 * score {@link Score.Basis#RULE_MATCH}. The classifier's finding carries the model's logistic output with
 * basis {@link Score.Basis#UNCALIBRATED_SCORE}: the model is fit on the whole template corpus with L2 penalty
 * and no held-out calibration step (Platt scaling or isotonic regression), so the number orders messages but
 * is not the fraction of such messages that are attacks.
 *
 * <p><b>Security guarantees.</b> Thread-safe; every pattern is RE2/J and decoding is bounded (at most
 * {@value #MAX_DECODED} candidates per message), so the scan stays linear in the message length. Rules and
 * a bag-of-n-grams model can be evaded by paraphrase; see {@code docs/guard.md} for measured misses.
 */
public final class InjectionScanner implements Scanner {
    static final int MAX_DECODED = 8;
    private static final String NAME = "prompt_injection";

    /** A family's pattern plus lower-case words one of which any match contains (a cheap first check). */
    private record Rule(GuardRule rule, Pattern pattern, int before, int after, String... keywords) {
    }

    /** A rule's match in some text, before it becomes a {@link Finding}. */
    private record Hit(GuardRule rule, int start, int end) {
    }

    private static final String TARGET = "(?:instructions?|rules?|directions?|directives?|guidelines?|guidance|prompts?|programming"
            + "|constraints|restrictions|polic(?:y|ies)|system prompt|orders from|what (?:you were|the developers?) told)";
    private static final List<Rule> RULES = List.of(
            new Rule(GuardRule.INSTRUCTION_OVERRIDE, Pattern.compile(
                    "\\b(?:ignore|disregard|forget|override|bypass|skip|discard|set aside|throw away|pay no attention to|stop following|do not follow|don't follow|do not obey)\\b"
                            + "[^.!?\\n]{0,40}?\\b(?:previous|prior|above|earlier|preceding|original|all|any|every|your|the|those|these|its|my)\\b[^.!?\\n]{0,30}?\\b"
                            + TARGET), 2, 140,
                    "ignor", "disregard", "forget", "overrid", "bypass", "skip", "discard", "aside", "throw away", "attention", "follow", "obey"),
            new Rule(GuardRule.INSTRUCTION_OVERRIDE, Pattern.compile(
                    "\\b(?:instructions|rules|guidelines|constraints|restrictions)\\b[^.!?\\n]{0,30}\\b(?:no longer apply|are (?:now )?(?:void|revoked|cancelled|outdated|lifted|disabled)|(?:have been|were) (?:revoked|lifted|removed|disabled))"
                            + "|\\b(?:your )?new instructions (?:are|:)|\\bsystem (?:update|override)\\s*:"), 16, 90,
                    "instruction", "rules", "guideline", "constraint", "restriction", "system update", "system override"),
            new Rule(GuardRule.ROLE_HIJACK, Pattern.compile(
                    "\\byou are now (?:an?|the|in|dan|free|unrestricted|jailbroken|no longer)\\b|\\byou(?:'re| are) no longer (?:an?|the|bound|restricted|limited)\\b"
                            + "|\\bpretend (?:to be|you are|you're|that you are) (?:an?|the)?\\s*(?:unrestricted|unfiltered|uncensored|evil|jailbroken|dan|root|admin|hacker|ai (?:with|without))"
                            + "|\\b(?:act|respond|reply|answer) as (?:an?|the|my)?\\s*(?:unrestricted|unfiltered|uncensored|evil|jailbroken|dan\\b|aim\\b|root\\b|hacker|ai (?:with no|without))"
                            + "|\\b(?:enter|enable|activate|switch to|turn on|in|into|unlock)\\s+(?:the\\s+)?(?:developer|debug|god|maintenance|admin|sudo|unrestricted) mode\\b|\\b(?:jailbreak|dan|god|sudo) mode\\b|\\broleplay as\\b|\\bstay in character\\b"
                            + "|\\b(?:with|have|has) no (?:content )?(?:restrictions|rules|filters|limits|ethics|content policy|guardrails)\\b"
                            + "|\\bwithout (?:any )?(?:restrictions|rules|filters|safety|guardrails|content policy)\\b|\\bfree of all restrictions\\b"), 45, 90,
                    "you are", "you're", "pretend", "act as", "respond as", "reply as", "answer as", " mode", "roleplay", "in character", "no ", "without", "free of all"),
            new Rule(GuardRule.SYSTEM_PROMPT_EXTRACTION, Pattern.compile(
                    "\\b(?:print|show|reveal|repeat|output|display|dump|tell me|quote|paste|spell out|translate|summari[sz]e|echo|leak|what (?:is|are|was|were)|what's)\\b[^.!?\\n]{0,40}?"
                            + "\\b(?:system prompt|(?:initial|original|hidden|secret|first|pre-?) ?(?:prompt|instructions)|pre-?prompt|developer message|your (?:instructions|prompt|rules|configuration|config|context)"
                            + "|the (?:text|words|instructions|message) above|everything (?:above|before)|context window)"), 75, 45,
                    "prompt", "instruction", "developer message", "rules", "config", "context", "above", "everything before"),
            new Rule(GuardRule.DELIMITER_INJECTION, Pattern.compile(
                    "<\\|im_(?:start|end)\\|>|<\\|endoftext\\|>|<\\|(?:system|user|assistant)\\|>|\\[/?inst\\]|</?(?:system|user|assistant|instructions?)>|<message role="
                            + "|\\n\\s*(?:system|assistant)\\s*:|#{3,}\\s*(?:system|instructions?|new instructions|admin)"
                            + "|\\b(?:end|begin)[_ ](?:of[_ ])?(?:user[_ ]input|context|system|prompt)\\b|\\{\\{\\s*system|\\[system\\]|={3,}\\s*end\\s*={3,}"), 20, 45,
                    "<", "[inst]", "[/inst]", "system", "assistant", "###", "user input", "user_input", "context", "prompt", "{{", "==="));

    private static final int MIN_ENCODED = 16;

    private final InjectionClassifier classifier;
    private final double threshold;

    /**
     * @param classifier the model, or null for rules only
     * @param threshold  classifier probability at which a message counts as an attack, in (0, 1)
     */
    public InjectionScanner(InjectionClassifier classifier, double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw BadInputException.of("threshold must be in (0, 1), got %s", threshold);
        }
        this.classifier = classifier;
        this.threshold = threshold;
    }

    /** Rules plus the shipped classifier at threshold 0.5. */
    public static InjectionScanner defaults() {
        return new InjectionScanner(InjectionClassifier.shipped(), 0.5);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Finding> out = new ArrayList<>();
        String lower = lowerSameLength(text);
        for (Hit h : rules(lower)) {
            out.add(ruleMatch(h.rule(), h.start(), h.end(), direction).evidence("family", family(h.rule())).build());
        }
        normalized(text, direction, out);
        invisible(text, direction, out);
        encoded(text, direction, out);
        if (classifier != null) {
            double p = classifier.score(text);
            if (p >= threshold) {
                out.add(GuardRule.INJECTION_CLASSIFIER.at(0, text.length(), new Score(p, Score.Basis.UNCALIBRATED_SCORE), direction, NAME)
                        .evidence("threshold", threshold).build());
            }
        }
        out.sort(Comparator.comparingInt((Finding f) -> f.span().map(Location.TextSpan::start).orElse(0))
                .thenComparingInt(f -> f.span().map(Location.TextSpan::end).orElse(0)));
        return out;
    }

    private static Finding.Builder ruleMatch(GuardRule rule, int start, int end, Direction direction) {
        return rule.at(start, end, Score.ruleMatch(), direction, NAME);
    }

    private static String family(GuardRule rule) {
        return rule.ruleId().substring(rule.ruleId().lastIndexOf('.') + 1);
    }

    /** Whether the rules alone fire on {@code text}; used for decoded payloads. */
    static boolean rulesFire(String text) {
        return !rules(lowerSameLength(text)).isEmpty();
    }

    /**
     * Runs each rule only on windows around its keywords: RE2/J's NFA costs about (program size × text
     * length), so matching a few hundred characters instead of the whole message keeps attacks cheap too.
     * Each rule's window reaches as far before and after a keyword as its pattern can; windows are merged
     * (each character is scanned at most once per rule) and widened to whitespace so that word boundaries
     * keep their meaning.
     */
    private static List<Hit> rules(String lower) {
        List<Hit> out = new ArrayList<>();
        String trimmed = lower.stripLeading();
        if (trimmed.startsWith("system:") || trimmed.startsWith("assistant:") || trimmed.startsWith("system :")) {
            int at = lower.length() - trimmed.length();
            out.add(new Hit(GuardRule.DELIMITER_INJECTION, at, at + trimmed.indexOf(':') + 1));
        }
        for (Rule rule : RULES) {
            for (int[] w : windows(lower, rule)) {
                Matcher m = rule.pattern().matcher(lower.substring(w[0], w[1]));
                while (m.find()) {
                    out.add(new Hit(rule.rule(), w[0] + m.start(), w[0] + m.end()));
                }
            }
        }
        return out;
    }

    private static List<int[]> windows(String lower, Rule rule) {
        List<int[]> raw = new ArrayList<>();
        int n = lower.length();
        for (String k : rule.keywords()) {
            for (int at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) {
                raw.add(new int[] {Math.max(0, at - rule.before()), Math.min(n, at + k.length() + rule.after())});
            }
        }
        if (raw.isEmpty()) {
            return raw;
        }
        raw.sort(Comparator.comparingInt(w -> w[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] w : raw) {
            int start = w[0];
            // widen to whitespace (keeping one character before, so that \\b and \\n see their context)
            while (start > 0 && !Character.isWhitespace(lower.charAt(start - 1))) {
                start--;
            }
            start = Math.max(0, start - 1);
            int end = w[1];
            while (end < n && !Character.isWhitespace(lower.charAt(end))) {
                end++;
            }
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && start <= last[1]) {
                last[1] = Math.max(last[1], end);
            } else {
                merged.add(new int[] {start, end});
            }
        }
        return merged;
    }

    /**
     * Full-width and other compatibility forms ("ｉｇｎｏｒｅ ａｌｌ …") hide a rule's keywords; when the
     * message has non-ASCII characters, its NFKC form is checked too. NFKC changes lengths, so a hit there is
     * reported for the whole message.
     */
    private static void normalized(String text, Direction direction, List<Finding> out) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 0x80;
        }
        if (ascii) {
            return;
        }
        String nfkc = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC);
        if (!nfkc.equals(text) && rulesFire(nfkc) && !rulesFire(text)) {
            out.add(ruleMatch(GuardRule.UNICODE_OBFUSCATION, 0, text.length(), direction).build());
        }
    }

    private static void invisible(String text, Direction direction, List<Finding> out) {
        int n = text.length();
        StringBuilder tagPayload = new StringBuilder();
        StringBuilder stripped = new StringBuilder(n);
        int tagStart = -1;
        int tagEnd = -1;
        int runStart = -1;
        int runEnd = -1;
        Set<String> runClasses = new LinkedHashSet<>();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            String cls = invisibleClass(text, i, cp);
            if (cp >= 0xE0000 && cp <= 0xE007F) {
                tagStart = tagStart < 0 ? i : tagStart;
                tagEnd = i + len;
                tagPayload.append((char) (cp - 0xE0000));
            }
            if (cls != null) {
                // runs closer than three ordinary characters (e.g. "i\u200bg\u200bn") are one finding
                if (runStart >= 0 && i - runEnd <= 2) {
                    runEnd = i + len;
                } else {
                    if (runStart >= 0) {
                        out.add(invisibleRun(runStart, runEnd, runClasses, direction));
                        runClasses.clear();
                    }
                    runStart = i;
                    runEnd = i + len;
                }
                runClasses.add(cls);
            } else {
                stripped.appendCodePoint(cp);
            }
            i += len;
        }
        if (runStart >= 0) {
            out.add(invisibleRun(runStart, runEnd, runClasses, direction));
        }
        if (tagPayload.length() > 0 && rulesFire(tagPayload.toString())) {
            out.add(ruleMatch(GuardRule.HIDDEN_TAG_TEXT, tagStart, tagEnd, direction).build());
        }
        if (stripped.length() < n && !rulesFire(text) && rulesFire(stripped.toString())) {
            out.add(ruleMatch(GuardRule.INVISIBLE_SPLIT, 0, n, direction).build());
        }
    }

    private static Finding invisibleRun(int start, int end, Set<String> classes, Direction direction) {
        return ruleMatch(GuardRule.INVISIBLE_UNICODE, start, end, direction).evidence("characters", List.copyOf(classes)).build();
    }

    /** Null when the code point is ordinary; otherwise which kind of hiding character it is. */
    private static String invisibleClass(String text, int at, int cp) {
        if (cp >= 0xE0000 && cp <= 0xE007F) {
            return "tag"; // tag characters: invisible ASCII shadow alphabet
        }
        if (cp == 0x202A || cp == 0x202B || cp == 0x202D || cp == 0x202E || cp == 0x202C
                || (cp >= 0x2066 && cp <= 0x2069)) {
            return "bidi_control"; // bidi embeddings, overrides, isolates ("Trojan Source", Boucher and Anderson 2021)
        }
        if (cp == 0x200B || cp == 0x200C || cp == 0x2060 || cp == 0x180E || (cp == 0xFEFF && at > 0)) {
            return "zero_width"; // zero-width space / non-joiner / word joiner / BOM inside text
        }
        if (cp == 0x200D) {
            // zero-width joiner is legitimate inside emoji sequences (e.g. family emoji)
            boolean emojiBefore = at > 0 && Character.isSurrogate(text.charAt(at - 1));
            boolean emojiAfter = at + 1 < text.length() && Character.isSurrogate(text.charAt(at + 1));
            return emojiBefore || emojiAfter ? null : "zero_width";
        }
        return null;
    }

    private void encoded(String text, Direction direction, List<Finding> out) {
        int tried = 0;
        int n = text.length();
        int i = 0;
        while (i < n && tried < MAX_DECODED) {
            if (!isBase64Char(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean allHex = true;
            while (i < n && isBase64Char(text.charAt(i))) {
                allHex &= Character.digit(text.charAt(i), 16) >= 0;
                i++;
            }
            int end = i;
            while (end < n && end - i < 2 && text.charAt(end) == '=') {
                end++;
            }
            if (end - start < MIN_ENCODED) {
                continue;
            }
            String candidate = text.substring(start, end);
            String decoded = allHex && (i - start) % 2 == 0 && i - start >= 24 ? decodeHex(text.substring(start, i)) : null;
            String encoding = "hex";
            if (decoded == null) {
                decoded = decodeBase64(candidate);
                encoding = "base64";
            }
            if (decoded != null) {
                tried++;
                Optional<Score> score = decodedInjection(decoded);
                if (score.isPresent()) {
                    out.add(GuardRule.ENCODED_PAYLOAD.at(start, end, score.get(), direction, NAME).evidence("encoding", encoding).build());
                }
            }
            i = end;
        }
        String rot = rot13(lowerSameLength(text));
        for (Hit h : rules(rot)) {
            out.add(ruleMatch(GuardRule.ENCODED_PAYLOAD, h.start(), h.end(), direction)
                    .evidence("encoding", "rot13").evidence("family", family(h.rule())).build());
        }
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '_' || c == '-';
    }

    /**
     * Whether a decoded payload is an attack: a rule match, or else a classifier score of at least
     * max(threshold, 0.8) (stricter, since decoding random base64 gives odd text); empty if neither.
     */
    private Optional<Score> decodedInjection(String decoded) {
        if (rulesFire(decoded)) {
            return Optional.of(Score.ruleMatch());
        }
        if (classifier == null) {
            return Optional.empty();
        }
        double p = classifier.score(decoded);
        return p >= Math.max(threshold, 0.8) ? Optional.of(new Score(p, Score.Basis.UNCALIBRATED_SCORE)) : Optional.empty();
    }

    private static String decodeBase64(String s) {
        String t = s;
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.length() % 4 == 1) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = (t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(t.replace("=", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return printableAscii(bytes);
    }

    private static String decodeHex(String s) {
        byte[] bytes = new byte[s.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return printableAscii(bytes);
    }

    /** The bytes as text when at least 90% are printable ASCII and it contains a space; else null. */
    private static String printableAscii(byte[] bytes) {
        if (bytes.length < 8) {
            return null;
        }
        int printable = 0;
        boolean space = false;
        for (byte b : bytes) {
            if ((b >= 0x20 && b < 0x7F) || b == '\n' || b == '\t') {
                printable++;
            }
            space |= b == ' ';
        }
        return space && printable >= 0.9 * bytes.length ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    static String rot13(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char x = c[i];
            if (x >= 'a' && x <= 'z') {
                c[i] = (char) ('a' + (x - 'a' + 13) % 26);
            } else if (x >= 'A' && x <= 'Z') {
                c[i] = (char) ('A' + (x - 'A' + 13) % 26);
            }
        }
        return new String(c);
    }

    /** Lower-cases char by char so that offsets in the result are offsets in the original. */
    static String lowerSameLength(String s) {
        return Prefilter.lowerSameLength(s);
    }
}
