package org.botsec.guard.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.botsec.core.BadInputException;
import org.botsec.guard.Detection;
import org.botsec.guard.Direction;
import org.botsec.guard.Scanner;

/**
 * A pattern from a policy file, e.g. an internal order number. Compiled with RE2/J, so even a pattern such
 * as {@code (a+)+$} runs in time linear in the message (RE2 has no backtracking).
 *
 * <p><b>Security guarantees.</b> Thread-safe; linear time; the pattern length is bounded.
 */
public final class RegexScanner implements Scanner {
    private final String name;
    private final String type;
    private final Pattern pattern;
    private final double score;

    public RegexScanner(String name, String regex, double score) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_\\-]{0,63}")) {
            throw BadInputException.of("regex scanner name must be 1-64 letters, digits, '_' or '-', starting with a letter, got %s", name);
        }
        if (!(score > 0 && score <= 1)) {
            throw BadInputException.of("score of '%s' must be in (0, 1], got %s", name, score);
        }
        this.name = name;
        this.type = name.toUpperCase(Locale.ROOT).replace('-', '_');
        this.pattern = Re2.compileUser(name, regex);
        this.score = score;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Detection> scan(String text, Direction direction) {
        List<Detection> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            if (m.end() > m.start()) {
                out.add(new Detection(type, m.start(), m.end(), score, name));
                from = m.end();
            } else {
                from = m.end() + 1; // an empty match must not loop forever
            }
        }
        return out;
    }
}
