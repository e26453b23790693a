package org.botsec.guard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Location;
import org.botsec.core.finding.Score;
import org.botsec.guard.internal.GuardRule;
import org.botsec.guard.internal.InjectionScanner;
import org.botsec.guard.internal.PiiScanner;
import org.botsec.guard.internal.PolicyParser;
import org.botsec.guard.internal.SecretScanner;

/**
 * The guard in a chatbot's request path: runs its scanners over a message, applies each scanner's action
 * (allow, redact, block) to what it found, and returns one {@link Verdict}. The strictest action wins; a
 * redaction rewrites every redacted span with the configured {@link Anonymization}.
 *
 * <pre>{@code
 * Guard guard = GuardPipeline.fromPolicy(Path.of("policy.yaml"));   // or GuardPipeline.defaults()
 * Verdict v = guard.scan(userMessage, Direction.INPUT);
 * if (v.action() != Action.BLOCK) callTheBot(v.text());
 * }</pre>
 *
 * <p><b>Security guarantees.</b> Thread-safe and immutable after {@code build()}: one instance serves a
 * whole gateway. Messages longer than {@code maxInputChars} are blocked unread. Every built-in and
 * user-supplied pattern runs in linear time (RE2/J). If a scanner throws, the message is blocked (fail
 * closed). Reasons name types, scanners and offsets, never the user's text.
 */
public final class GuardPipeline implements Guard {
    /** Default size limit in UTF-16 characters. */
    public static final int DEFAULT_MAX_INPUT_CHARS = 32_768;

    /** One scanner with what to do about its findings. */
    public record Rule(Scanner scanner, Action action, Set<Direction> directions, double minScore) {
        public Rule {
            if (scanner == null || action == null) {
                throw new BadInputException("scanner and action must not be null");
            }
            if (directions == null || directions.isEmpty()) {
                throw BadInputException.of("directions of scanner '%s' must not be empty", scanner.name());
            }
            if (!(minScore >= 0 && minScore <= 1)) {
                throw BadInputException.of("min_score of scanner '%s' must be in [0, 1], got %s", scanner.name(), minScore);
            }
            directions = Collections.unmodifiableSet(EnumSet.copyOf(directions));
        }
    }

    private final List<Rule> rules;
    private final int maxInputChars;
    private final Anonymization anonymization;
    private final KeyedHasher hasher;
    private final Pseudonymizer pseudonymizer;
    private final RateLimiter.Settings rateLimit;

    private GuardPipeline(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.maxInputChars = b.maxInputChars;
        this.anonymization = b.anonymization;
        this.hasher = b.hasher;
        this.pseudonymizer = b.pseudonymizer;
        this.rateLimit = b.rateLimit;
    }

    /**
     * PII (e-mail, phone, card, IBAN, SSN, IP, date of birth, names, street addresses, places by context) redacted in both
     * directions; prompt injection and hidden Unicode blocked on input; secrets redacted on input and blocked
     * on output; messages over {@value #DEFAULT_MAX_INPUT_CHARS} characters blocked.
     */
    public static GuardPipeline defaults() {
        Scanner secrets = SecretScanner.defaults();
        return builder()
                .add(PiiScanner.all(), Action.REDACT, EnumSet.allOf(Direction.class), 0.5)
                .add(InjectionScanner.defaults(), Action.BLOCK, EnumSet.of(Direction.INPUT), 0.5)
                .add(secrets, Action.REDACT, EnumSet.of(Direction.INPUT), 0.5)
                .add(secrets, Action.BLOCK, EnumSet.of(Direction.OUTPUT), 0.5)
                .build();
    }

    /**
     * Reads a policy file (YAML, or JSON by the {@code .json} extension); see {@code docs/guard.md} for the
     * format. An unknown field or scanner, a bad pattern or a bad value gives a {@link BadInputException}
     * naming it.
     */
    public static GuardPipeline fromPolicy(Path policyFile) {
        return PolicyParser.parse(policyFile);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Rate-limit settings from the policy, for a gateway to build its {@link RateLimiter}; empty if none. */
    public Optional<RateLimiter.Settings> rateLimit() {
        return Optional.ofNullable(rateLimit);
    }

    public List<Rule> rules() {
        return rules;
    }

    public int maxInputChars() {
        return maxInputChars;
    }

    public Anonymization anonymization() {
        return anonymization;
    }

    @Override
    public Verdict scan(String text, Direction direction) {
        if (text == null || direction == null) {
            throw new BadInputException("text and direction must not be null");
        }
        if (text.length() > maxInputChars) {
            Finding tooLong = GuardRule.INPUT_TOO_LONG.at(0, text.length(), Score.ruleMatch(), direction, "size_limit")
                    .evidence("length", text.length()).evidence("limit", maxInputChars).build();
            return new Verdict(Action.BLOCK, "", List.of(tooLong),
                    List.of(String.format(Locale.ROOT, "message has %d characters, limit is %d", text.length(), maxInputChars)));
        }
        List<Finding> findings = new ArrayList<>();
        List<Finding> toRedact = new ArrayList<>();
        Set<String> reasons = new LinkedHashSet<>();
        Action verdict = Action.ALLOW;
        for (Rule rule : rules) {
            if (!rule.directions().contains(direction)) {
                continue;
            }
            List<Finding> found;
            try {
                found = rule.scanner().scan(text, direction);
            } catch (RuntimeException e) {
                return new Verdict(Action.BLOCK, "", sorted(findings),
                        List.of("scanner '" + rule.scanner().name() + "' failed (" + e.getClass().getSimpleName() + "); blocked to fail closed"));
            }
            for (Finding f : found) {
                // a finding without a score is a rule that fired: it counts in full
                double score = f.score().map(Score::value).orElse(1.0);
                if (score < rule.minScore()) {
                    continue;
                }
                findings.add(f);
                if (rule.action() == Action.ALLOW) {
                    continue;
                }
                Optional<Location.TextSpan> span = f.span().filter(sp -> sp.end() <= text.length());
                Action action = rule.action();
                if (action == Action.REDACT && span.isEmpty()) {
                    action = Action.BLOCK; // fail closed: a finding we cannot place cannot be redacted
                }
                reasons.add(reason(f, action, score, span));
                if (action == Action.REDACT) {
                    toRedact.add(f);
                }
                if (action.compareTo(verdict) > 0) {
                    verdict = action;
                }
            }
        }
        return switch (verdict) {
            case ALLOW -> new Verdict(Action.ALLOW, text, sorted(findings), List.of());
            case BLOCK -> new Verdict(Action.BLOCK, "", sorted(findings), List.copyOf(reasons));
            case REDACT -> new Verdict(Action.REDACT, rewrite(text, toRedact), sorted(findings), List.copyOf(reasons));
        };
    }

    /** E.g. {@code EMAIL redacted by guard.pii.email (rule_match 1.00) at [45, 61)}; names rules and offsets, never text. */
    private static String reason(Finding f, Action action, double score, Optional<Location.TextSpan> span) {
        // Concatenation instead of String.format: Formatter parsed the pattern with a regular expression on every
        // call, about 4 % of the default guard's CPU per gateway request; the text is the same (ReasonTextTest).
        String basis = f.score().map(s -> s.basis().label()).orElse("unscored");
        String where = span.map(sp -> " at [" + sp.start() + ", " + sp.end() + ")").orElse(" (no text span)");
        return GuardFindings.entityType(f) + " " + (action == Action.BLOCK ? "blocked" : "redacted") + " by " + f.ruleId()
                + " (" + basis + " " + twoDecimals(score) + ")" + where;
    }

    /**
     * {@code String.format(Locale.ROOT, "%.2f", v)}: the formatter rounds the shortest decimal form of the double
     * (the digits of {@link Double#toString}) half up, and so does this, for the scores' range [0, 1]; anything
     * else goes through the formatter itself.
     */
    static String twoDecimals(double v) {
        if (v == 1.0) {
            return "1.00";
        }
        if (!(v > 0 && v < 1)) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return new java.math.BigDecimal(Double.toString(v)).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** Findings in span order; findings without a span last, in the order they were found. */
    private static List<Finding> sorted(List<Finding> findings) {
        List<Finding> out = new ArrayList<>(findings);
        out.sort(Comparator.comparingInt((Finding f) -> f.span().map(Location.TextSpan::start).orElse(Integer.MAX_VALUE))
                .thenComparingInt(f -> f.span().map(Location.TextSpan::end).orElse(Integer.MAX_VALUE)));
        return out;
    }

    /** Rewrites the redacted spans; overlapping spans are merged and take the type of the longest. */
    private String rewrite(String text, List<Finding> findings) {
        List<Location.TextSpan> spans = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (Finding f : findings) {
            spans.add(f.span().orElseThrow());
            types.add(GuardFindings.entityType(f));
            order.add(order.size());
        }
        order.sort(Comparator.comparingInt((Integer k) -> spans.get(k).start())
                .thenComparing(Comparator.comparingInt((Integer k) -> spans.get(k).end()).reversed()));
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        int i = 0;
        while (i < order.size()) {
            int first = order.get(i);
            int start = spans.get(first).start();
            int end = spans.get(first).end();
            int longest = first;
            i++;
            while (i < order.size() && spans.get(order.get(i)).start() < end) {
                int k = order.get(i);
                Location.TextSpan d = spans.get(k);
                if (d.end() - d.start() > spans.get(longest).end() - spans.get(longest).start()) {
                    longest = k;
                }
                end = Math.max(end, d.end());
                i++;
            }
            out.append(text, pos, start);
            out.append(replacement(types.get(longest), text.substring(start, end)));
            pos = end;
        }
        out.append(text, pos, text.length());
        return out.toString();
    }

    private String replacement(String type, String value) {
        return switch (anonymization) {
            case REDACT -> "<" + type + ">";
            case MASK -> mask(value);
            case HASH -> hasher.token(type, value);
            case PSEUDONYMIZE -> pseudonymizer.token(type, value);
        };
    }

    /** Stars every letter and digit except the last four (all of them when the value is short). */
    static String mask(String value) {
        int alnum = 0;
        for (int i = 0; i < value.length(); i++) {
            if (Character.isLetterOrDigit(value.charAt(i))) {
                alnum++;
            }
        }
        int keep = alnum >= 8 ? 4 : 0;
        StringBuilder sb = new StringBuilder(value.length());
        int seen = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                seen++;
                sb.append(seen > alnum - keep ? c : '*');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Builds a pipeline; each setting may be made once, and {@link #build()} checks that the anonymisation
     * has the key it needs.
     */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private int maxInputChars = DEFAULT_MAX_INPUT_CHARS;
        private boolean maxSet;
        private Anonymization anonymization = Anonymization.REDACT;
        private boolean anonymizationSet;
        private KeyedHasher hasher;
        private Pseudonymizer pseudonymizer;
        private RateLimiter.Settings rateLimit;

        private Builder() {
        }

        public Builder add(Scanner scanner, Action action, Set<Direction> directions, double minScore) {
            rules.add(new Rule(scanner, action, directions, minScore));
            return this;
        }

        /** Adds a scanner for both directions with minimum score 0.5. */
        public Builder add(Scanner scanner, Action action) {
            return add(scanner, action, EnumSet.allOf(Direction.class), 0.5);
        }

        public Builder maxInputChars(int maxInputChars) {
            if (maxSet) {
                throw new IllegalStateException("maxInputChars was already set");
            }
            if (maxInputChars < 1) {
                throw BadInputException.of("max_input_chars must be >= 1, got %d", maxInputChars);
            }
            this.maxInputChars = maxInputChars;
            this.maxSet = true;
            return this;
        }

        public Builder anonymization(Anonymization anonymization) {
            if (anonymizationSet) {
                throw new IllegalStateException("anonymization was already set");
            }
            if (anonymization == null) {
                throw new BadInputException("anonymization must not be null");
            }
            this.anonymization = anonymization;
            this.anonymizationSet = true;
            return this;
        }

        public Builder hasher(KeyedHasher hasher) {
            if (this.hasher != null) {
                throw new IllegalStateException("hasher was already set");
            }
            this.hasher = hasher;
            return this;
        }

        public Builder pseudonymizer(Pseudonymizer pseudonymizer) {
            if (this.pseudonymizer != null) {
                throw new IllegalStateException("pseudonymizer was already set");
            }
            this.pseudonymizer = pseudonymizer;
            return this;
        }

        public Builder rateLimit(RateLimiter.Settings rateLimit) {
            if (this.rateLimit != null) {
                throw new IllegalStateException("rateLimit was already set");
            }
            this.rateLimit = rateLimit;
            return this;
        }

        public GuardPipeline build() {
            if (rules.isEmpty()) {
                throw new BadInputException("a guard pipeline needs at least one scanner");
            }
            if (anonymization == Anonymization.HASH && hasher == null) {
                hasher = KeyedHasher.generate(); // a fresh per-process key: tokens are stable only for this pipeline
            }
            if (anonymization == Anonymization.PSEUDONYMIZE && pseudonymizer == null) {
                throw new BadInputException("anonymization pseudonymize needs a pseudonym keyset (pseudonym_keyset_file)");
            }
            return new GuardPipeline(this);
        }
    }
}
