package org.botsec.guard.internal;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.botsec.core.BadInputException;

/** Compiles patterns with RE2/J, whose matching time is linear in the input (no backtracking, no ReDoS). */
public final class Re2 {
    /** Longest pattern accepted from a policy file. */
    public static final int MAX_PATTERN_LENGTH = 2_000;

    private Re2() {
    }

    /** Compiles a pattern that came from outside (a policy file); a bad pattern gives one clear line. */
    public static Pattern compileUser(String name, String regex) {
        if (regex == null || regex.isEmpty()) {
            throw BadInputException.of("pattern of '%s' must not be empty", name);
        }
        if (regex.length() > MAX_PATTERN_LENGTH) {
            throw BadInputException.of("pattern of '%s' is %d characters long, at most %d allowed",
                    name, regex.length(), MAX_PATTERN_LENGTH);
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw BadInputException.of("bad pattern for '%s': %s (RE2 syntax: no backreferences or lookaround)",
                    name, e.getDescription() + " in " + abbreviate(regex));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 57) + "...'";
    }
}
