package org.botsec.guard.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.guard.Direction;
import org.botsec.guard.Scanner;

/**
 * API keys, tokens and private keys. Well-known formats (AWS access key ids, GitHub, Slack, Stripe, Google
 * API keys, JWTs, PEM private keys) are matched by their documented prefixes and lengths; anything else
 * written as {@code key=...}, {@code token: ...}, {@code password=...} counts only when the value's Shannon
 * entropy reaches a threshold, so that {@code password=please} is not a finding but a random string is.
 *
 * <p>Every finding scores {@link Score.Basis#RULE_MATCH}; a generic secret records its entropy and the
 * threshold as evidence. Rule IDs and severities are in {@link GuardRule}.
 *
 * <p><b>Security guarantees.</b> Thread-safe; all patterns are RE2/J (linear time). Findings carry spans
 * and types only, never the secret itself.
 */
public final class SecretScanner implements Scanner {
    /** A pattern with the literals one of which any match must contain (checked first, cheaply). */
    private record Rule(GuardRule rule, Pattern pattern, String... literals) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(GuardRule.AWS_ACCESS_KEY_ID, Pattern.compile("\\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\\b"), "AKIA", "ASIA", "ABIA", "ACCA"),
            new Rule(GuardRule.GITHUB_TOKEN, Pattern.compile("\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\\b|\\bgithub_pat_[A-Za-z0-9_]{60,255}\\b"),
                    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
            new Rule(GuardRule.SLACK_TOKEN, Pattern.compile("\\bxox[abposr]-[A-Za-z0-9\\-]{10,250}|https://hooks\\.slack\\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+"), "xox", "hooks.slack.com"),
            new Rule(GuardRule.STRIPE_KEY, Pattern.compile("\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,247}\\b"), "_live_", "_test_"),
            new Rule(GuardRule.GOOGLE_API_KEY, Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{35}"), "AIza"),
            new Rule(GuardRule.JWT, Pattern.compile("\\beyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{16,}"), "eyJ"),
            new Rule(GuardRule.PRIVATE_KEY, Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"), "-----BEGIN "));

    private static final Pattern GENERIC = Pattern.compile(
            "(?i)\\b(?:api[_\\-]?key|apikey|secret(?:[_\\-]?key)?|access[_\\-]?key|client[_\\-]?secret|auth[_\\-]?token|token|password|passwd|pwd|bearer)"
                    + "\\s*(?:[=:]|\\s)\\s*[\"']?([A-Za-z0-9_\\-+/=.~]{12,512})");

    private static final String[] GENERIC_WORDS = {"key", "secret", "token", "password", "passwd", "pwd", "bearer"};

    private static final Comparator<Finding> SPAN_ORDER =
            Comparator.comparingInt(f -> f.span().map(Location.TextSpan::start).orElse(0));

    private final double entropyThreshold;

    /** @param entropyThreshold bits per character a generic {@code key=value} must reach; in (0, 8] */
    public SecretScanner(double entropyThreshold) {
        if (!(entropyThreshold > 0 && entropyThreshold <= 8)) {
            throw BadInputException.of("entropy_threshold must be in (0, 8] bits per character, got %s", entropyThreshold);
        }
        this.entropyThreshold = entropyThreshold;
    }

    /** Default threshold 3.5 bits per character: above English words, below random base64 (about 6). */
    public static SecretScanner defaults() {
        return new SecretScanner(3.5);
    }

    @Override
    public String name() {
        return "secrets";
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Finding> out = new ArrayList<>();
        for (Rule rule : RULES) {
            if (!Prefilter.containsAny(text, rule.literals())) {
                continue;
            }
            Matcher m = rule.pattern().matcher(text);
            while (m.find()) {
                out.add(rule.rule().finding(m.start(), m.end(), Score.ruleMatch(), direction, name()));
            }
        }
        String lower = Prefilter.lowerSameLength(text);
        if (!Prefilter.containsAny(lower, GENERIC_WORDS)) {
            out.sort(SPAN_ORDER);
            return out;
        }
        Matcher m = GENERIC.matcher(text);
        while (m.find()) {
            int start = m.start(1);
            int end = m.end(1);
            boolean known = out.stream().map(f -> f.span().orElseThrow()).anyMatch(d -> d.start() < end && start < d.end());
            if (known) {
                continue;
            }
            double h = shannonEntropy(text, start, end);
            if (h >= entropyThreshold) {
                out.add(GuardRule.GENERIC_SECRET.at(start, end, Score.ruleMatch(), direction, name())
                        .evidence("entropy_bits_per_char", Math.round(h * 1000) / 1000.0)
                        .evidence("entropy_threshold", entropyThreshold).build());
            }
        }
        out.sort(SPAN_ORDER);
        return out;
    }

    /** Shannon entropy in bits per character of {@code s[start, end)}: −Σ p·log2 p over character frequencies. */
    public static double shannonEntropy(CharSequence s, int start, int end) {
        int n = end - start;
        if (n <= 0) {
            return 0;
        }
        java.util.HashMap<Character, Integer> counts = new java.util.HashMap<>();
        for (int i = start; i < end; i++) {
            counts.merge(s.charAt(i), 1, Integer::sum);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / n;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }
}
