package org.botsec.guard.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.Score;
import org.botsec.guard.Direction;
import org.botsec.guard.Scanner;

/**
 * Leakage of the bot's own secrets into its answers: the system prompt, verbatim or paraphrased closely
 * enough to share a run of {@code ngram} consecutive words, and planted canary strings (random markers put
 * into the system prompt or documents whose appearance in an output proves a leak).
 *
 * <p>Words are compared after lower-casing and dropping punctuation, so re-spacing or re-casing the prompt
 * does not hide it. Both findings score {@link Score.Basis#RULE_MATCH}; a {@code SYSTEM_PROMPT_LEAK} records
 * as evidence {@code prompt_ngram_coverage}, the share of the prompt's distinct n-grams that appear in the
 * output (1.0 for a verbatim copy).
 *
 * <p><b>Security guarantees.</b> Thread-safe and linear in the output length (hash-set look-ups). It cannot
 * see a leak that is translated, encoded or summarised in other words.
 */
public final class LeakScanner implements Scanner {
    private record Token(String word, int start, int end) {
    }

    private final Set<String> promptNgrams = new HashSet<>();
    private final List<String> promptWords;
    private final List<String> canaries;
    private final int ngram;

    /**
     * @param systemPrompt the prompt to protect, or null/empty for none
     * @param canaries     exact strings that must never appear in an output
     * @param ngram        how many consecutive shared words count as a leak; at least 3
     */
    public LeakScanner(String systemPrompt, List<String> canaries, int ngram) {
        if (ngram < 3 || ngram > 50) {
            throw BadInputException.of("ngram must be in [3, 50], got %d", ngram);
        }
        for (String c : canaries) {
            if (c == null || c.length() < 6) {
                throw BadInputException.of("canary strings must be at least 6 characters long, got one of length %d",
                        c == null ? 0 : c.length());
            }
        }
        if ((systemPrompt == null || systemPrompt.isBlank()) && canaries.isEmpty()) {
            throw new BadInputException("system_prompt_leak needs a system_prompt or at least one canary");
        }
        this.ngram = ngram;
        this.canaries = List.copyOf(canaries);
        this.promptWords = systemPrompt == null ? List.of() : tokens(systemPrompt).stream().map(Token::word).toList();
        int n = Math.min(ngram, promptWords.size());
        for (int i = 0; n > 0 && i + n <= promptWords.size(); i++) {
            promptNgrams.add(String.join(" ", promptWords.subList(i, i + n)));
        }
    }

    @Override
    public String name() {
        return "system_prompt_leak";
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Finding> out = new ArrayList<>();
        for (String canary : canaries) {
            int at = text.indexOf(canary);
            while (at >= 0) {
                out.add(GuardRule.CANARY_LEAK.finding(at, at + canary.length(), Score.ruleMatch(), direction, name()));
                at = text.indexOf(canary, at + canary.length());
            }
        }
        if (!promptNgrams.isEmpty()) {
            List<Token> tokens = tokens(text);
            int n = Math.min(ngram, promptWords.size());
            int runStart = -1;
            int runEnd = -1;
            int matched = 0;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i + n <= tokens.size(); i++) {
                StringBuilder sb = new StringBuilder();
                for (int k = i; k < i + n; k++) {
                    if (k > i) {
                        sb.append(' ');
                    }
                    sb.append(tokens.get(k).word());
                }
                String key = sb.toString();
                if (promptNgrams.contains(key)) {
                    if (seen.add(key)) {
                        matched++;
                    }
                    int s = tokens.get(i).start();
                    int e = tokens.get(i + n - 1).end();
                    if (runStart >= 0 && s <= runEnd) {
                        runEnd = Math.max(runEnd, e);
                    } else {
                        flush(out, runStart, runEnd, matched, n, direction);
                        runStart = s;
                        runEnd = e;
                    }
                }
            }
            flush(out, runStart, runEnd, matched, n, direction);
        }
        return out;
    }

    private void flush(List<Finding> out, int start, int end, int matched, int n, Direction direction) {
        if (start < 0) {
            return;
        }
        double coverage = (double) matched / promptNgrams.size();
        out.add(GuardRule.SYSTEM_PROMPT_LEAK.at(start, end, Score.ruleMatch(), direction, name())
                .evidence("prompt_ngram_coverage", Math.min(1.0, coverage)).evidence("ngram", n).build());
    }

    private static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '\'')) {
                i++;
            }
            if (i > s) {
                out.add(new Token(text.substring(s, i).toLowerCase(Locale.ROOT), s, i));
            }
        }
        return out;
    }
}
