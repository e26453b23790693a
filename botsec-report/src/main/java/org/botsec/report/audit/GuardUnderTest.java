package org.botsec.report.audit;

import java.util.Objects;
import org.botsec.guard.Guard;

/**
 * The guard policy a bot ships with, as the guard self-test runs it.
 *
 * @param name   the policy as the user named it (a file, or {@code default policy})
 * @param sha256 SHA-256 of the policy file (hex), or empty text for a built-in policy
 * @param guard  the guard built from it
 */
public record GuardUnderTest(String name, String sha256, Guard guard) {
    public GuardUnderTest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(guard, "guard");
    }
}
