package org.botsec.cli.guard;

import java.nio.file.Path;
import org.botsec.core.BadInputException;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.semantic.SemanticGuard;

/**
 * The guard that {@code guard scan} and {@code serve} use: a policy file when given, else the built-in policy with
 * the chosen injection detector. The n-gram detector stays the default: the semantic one blocks far fewer benign
 * prompts on public held-out data but also catches fewer attacks, and it loads a 34 MB embedding model at start-up
 * (figures and their sources in docs/guard.md).
 */
public final class DefaultGuard {
    /** Help text shared by the commands that take {@code --injection-detector}. */
    public static final String HELP = "Injection detector of the built-in policy: ngram (rules, then the n-gram "
            + "classifier; fast start) or semantic (rules, then a sentence-embedding head; fewer benign prompts "
            + "blocked, slower start; see docs/guard.md). Ignored with --policy: there, choose it with "
            + "'detector: semantic' in the prompt_injection scanner. "
            + "Default: ${DEFAULT-VALUE}.";

    private DefaultGuard() {
    }

    /** The injection detectors of the built-in policy. */
    public enum InjectionDetector {
        ngram, semantic
    }

    /** The pipeline for {@code policy} (may be null: the built-in policy with {@code detector}). */
    public static GuardPipeline pipeline(Path policy, InjectionDetector detector) {
        if (policy != null) {
            return GuardPipeline.fromPolicy(policy);
        }
        if (detector == null) {
            throw new BadInputException("--injection-detector must be ngram or semantic");
        }
        return detector == InjectionDetector.semantic ? SemanticGuard.defaults() : GuardPipeline.defaults();
    }
}
