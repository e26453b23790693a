package org.botsec.guard.semantic;

import java.util.List;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardFindings;
import org.botsec.guard.Scanner;
import org.botsec.guard.internal.InjectionScanner;

/**
 * Prompt injection and jailbreaks in a cascade of two stages, cheapest and most precise first:
 * <ol>
 *   <li><b>rules</b> — the guard's own patterns for the known families, hidden Unicode and encoded payloads
 *       ({@code guard.injection.*}, 0.3% false positives on the independent benign set); a message a
 *       rule fires on is decided there and never embedded;</li>
 *   <li><b>embedding</b> — every other message is embedded by the sentence encoder the head was trained on
 *       ({@link E5SmallEmbedder} for the shipped head, {@link MiniLmEmbedder} for older head files) and scored by an {@link InjectionHead} (logistic regression or a one-hidden-layer perceptron); at or above the head's threshold it
 *       is reported as {@code guard.injection.semantic}.</li>
 * </ol>
 * The n-gram classifier of the old default is not a stage: on public data nobody on this project wrote it
 * blocked half of ordinary prompts (docs/guard.md), and as a feature it would carry that over-fit in.
 *
 * <p>Messages longer than {@value #MAX_EMBEDDED_CHARS} characters are embedded as their first 900 and last
 * 300 characters, or, when the head asks for it ({@link InjectionHead.LongText#WINDOW_MAX}), window by window
 * ({@link #windows}); the rules still read all of it, and both bound the encoder's cost per message.
 *
 * <p><b>Security guarantees.</b> Thread-safe. The rules run in linear time (RE2/J); the encoder's cost is
 * bounded by the embedded length. A sentence-embedding classifier can be evaded by paraphrase and by attacks
 * unlike its training data; docs/guard.md gives measured misses per source. If the encoder fails, the
 * exception reaches the pipeline, which blocks the message (fail closed).
 */
public final class SemanticInjectionScanner implements Scanner {
    /** Longest text embedded whole. */
    public static final int MAX_EMBEDDED_CHARS = 1_200;
    /** Rule ID of the embedding stage's finding. */
    public static final String RULE_ID = "guard.injection.semantic";
    private static final String NAME = "prompt_injection";

    /** The cascade stage that decided a message. */
    public enum Stage {
        RULES, EMBEDDING
    }

    /**
     * What the cascade decided about one message.
     *
     * @param stage          the stage that decided
     * @param embeddingScore the head's score, present when the embedding stage ran
     * @param findings       what was found (empty when the message passed)
     */
    public record Decision(Stage stage, Optional<Double> embeddingScore, List<Finding> findings) {
        public Decision {
            findings = List.copyOf(findings);
        }

        public boolean attack() {
            return !findings.isEmpty();
        }
    }

    private final Scanner rules;
    private final TextEmbedder embedder;
    private final InjectionHead head;
    private final double threshold;

    /**
     * @param embedder  the sentence encoder the head was trained on
     * @param head      the classifier head
     * @param threshold score in (0, 1) at which a message is an attack (the head's own, unless you re-choose it)
     */
    public SemanticInjectionScanner(TextEmbedder embedder, InjectionHead head, double threshold) {
        if (embedder == null || head == null) {
            throw new BadInputException("embedder and head must not be null");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw BadInputException.of("threshold must be in (0, 1), got %s", threshold);
        }
        this.rules = new InjectionScanner(null, 0.5);
        this.embedder = embedder;
        this.head = head;
        this.threshold = threshold;
    }

    /**
     * The shipped encoder and head at the head's validation-chosen threshold. Loads the ONNX model: a failure
     * is a {@link ModelLoadException} with one line naming the cause, never a silent fallback.
     */
    public static SemanticInjectionScanner shipped() {
        InjectionHead head = InjectionHead.shipped();
        return new SemanticInjectionScanner(encoderFor(head), head, head.threshold());
    }

    /**
     * The shipped encoder and head at another threshold in (0, 1) (e.g. from a policy file's
     * {@code prompt_injection.threshold}); a failure to load is a {@link ModelLoadException}.
     */
    public static SemanticInjectionScanner shipped(double threshold) {
        InjectionHead head = InjectionHead.shipped();
        return new SemanticInjectionScanner(encoderFor(head), head, threshold);
    }

    /** The shared encoder a head was trained on, by the name in its file; an unknown name fails to load. */
    public static TextEmbedder encoderFor(InjectionHead head) {
        if (head.encoder().equals(MiniLmEmbedder.MODEL_NAME)) {
            return MiniLmEmbedder.shared();
        }
        if (head.encoder().equals(E5SmallEmbedder.MODEL_NAME)) {
            return E5SmallEmbedder.shared();
        }
        throw new ModelLoadException("the injection head was trained on encoder '" + head.encoder() + "', which this version does not ship", null);
    }

    @Override
    public String name() {
        return NAME;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        return decide(text, direction).findings();
    }

    /** Runs the cascade and says which stage decided. */
    public Decision decide(String text, Direction direction) {
        List<Finding> byRules = rules.scan(text, direction);
        if (!byRules.isEmpty()) {
            return new Decision(Stage.RULES, Optional.empty(), byRules);
        }
        double p = score(text, true);
        if (p < threshold) {
            return new Decision(Stage.EMBEDDING, Optional.of(p), List.of());
        }
        Finding f = Finding.builder(RULE_ID, FindingKind.PROMPT_INJECTION, Severity.HIGH, "Prompt injection (sentence-embedding classifier)")
                .description("Text that tries to override the bot's instructions or to jailbreak it, recognised by meaning."
                        + " Block it on input; scan retrieved documents too.")
                .span(0, text.length())
                .score(new Score(p, Score.Basis.UNCALIBRATED_SCORE))
                .source(NAME)
                .atlas(AtlasTechnique.LLM_PROMPT_INJECTION)
                .evidence(GuardFindings.ENTITY_TYPE, "PROMPT_INJECTION")
                .evidence("threshold", threshold)
                .build();
        return new Decision(Stage.EMBEDDING, Optional.of(p), List.of(f));
    }

    /**
     * The embedding stage's score alone (no rules), e.g. for ROC curves: the head's score of the embedded part, or
     * the highest score over the message's windows when the head reads long text window by window.
     */
    public double embeddingScore(String text) {
        return score(text, false);
    }

    /** With {@code stopAtThreshold} the windows stop at the first one at or above the threshold: the verdict is then known. */
    private double score(String text, boolean stopAtThreshold) {
        if (head.longText() == InjectionHead.LongText.HEAD_TAIL) {
            return head.score(embedder.embed(embeddedPart(text)));
        }
        double max = 0;
        for (String w : windows(text)) {
            max = Math.max(max, head.score(embedder.embed(w)));
            if (stopAtThreshold && max >= threshold) {
                break;
            }
        }
        return max;
    }

    /** Characters per window when a head reads long messages window by window. */
    public static final int WINDOW_CHARS = 1_200;
    /** Distance between the starts of consecutive windows (so they overlap by 200 characters). */
    public static final int WINDOW_STRIDE = 1_000;
    /** Most windows embedded per message; this bounds the encoder's cost at six embeddings. */
    public static final int MAX_WINDOWS = 6;

    /**
     * The windows a long message is read in: the whole text up to {@value #WINDOW_CHARS} characters, else
     * windows of {@value #WINDOW_CHARS} characters every {@value #WINDOW_STRIDE}, at most {@value #MAX_WINDOWS},
     * the last one always ending at the text's end (a longer text's middle is then skipped; the rules still read it).
     */
    public static List<String> windows(String text) {
        int len = text.length();
        if (len <= WINDOW_CHARS) {
            return List.of(text);
        }
        int n = Math.min(MAX_WINDOWS, 1 + (len - WINDOW_CHARS + WINDOW_STRIDE - 1) / WINDOW_STRIDE);
        List<String> out = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int start = k == n - 1 ? len - WINDOW_CHARS : k * WINDOW_STRIDE;
            out.add(text.substring(start, start + WINDOW_CHARS));
        }
        return out;
    }

    /** The part of a message the encoder reads: all of it, or its first 900 and last 300 characters. */
    public static String embeddedPart(String text) {
        if (text.length() <= MAX_EMBEDDED_CHARS) {
            return text;
        }
        return text.substring(0, 900) + "\n...\n" + text.substring(text.length() - 300);
    }
}
