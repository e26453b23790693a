package org.botsec.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Action;
import org.botsec.guard.Verdict;

/**
 * Incremental scanning of one streamed text field (a choice's {@code content}, {@code refusal}, ...): a sliding
 * window over the text as it arrives, with a hold-back.
 *
 * <p>Each time text arrives, the guard scans the <em>window</em>: the last {@code context} characters already
 * sent to the client (in the form the client got them, so a value redacted earlier is not found again) followed
 * by every character not yet sent. Of the unsent characters, all but the last {@code holdBack} are released
 * (redacted as the verdict says); the last {@code holdBack} wait for more text. So a value of at most
 * {@code holdBack} characters is always whole inside the window before its first character can be released,
 * however the upstream splits it across events: its first character at position {@code p} is released only
 * once the text reaches {@code p + holdBack + 1} characters.
 *
 * <p>A redaction is applied to the released part only when every rewritten character lies before the cut
 * (the alignment of original and rewritten window by their common prefix and suffix places the cut in the
 * rewritten text); otherwise only the unchanged prefix is released and the rest waits, so a value is never
 * released half-rewritten. A redaction that reaches back into text already sent (a value longer than the
 * hold-back, or one recognised only from later context) cannot be undone: it is treated as a block (fail
 * closed). A block ends the field. At the end of the stream, {@link #finish} scans and releases the rest.
 *
 * <p>Not thread-safe: one instance per field of one answer.
 */
final class StreamWindow {
    /** What one step released: text for the client (may be empty), or a block. */
    record Step(String release, boolean blocked) {
        static final Step NOTHING = new Step("", false);
        static final Step BLOCKED = new Step("", true);
    }

    private static final int MAX_FINDINGS = 64;
    private final int holdBack;
    private final int context;
    private final Function<String, Verdict> guard;
    /** The tail of what the client got (at most {@code context} characters). */
    private final StringBuilder sentTail = new StringBuilder();
    /** Original characters not yet released. */
    private final StringBuilder pending = new StringBuilder();
    /** The whole original text (for the audit record's hash). */
    private final StringBuilder original = new StringBuilder();
    private final List<Finding> findings = new ArrayList<>();
    private Action worst = Action.ALLOW;
    private boolean blocked;
    private boolean released;

    StreamWindow(int holdBack, int context, Function<String, Verdict> guard) {
        this.holdBack = holdBack;
        this.context = context;
        this.guard = guard;
    }

    /** Appends a delta from the upstream and returns what may be released now. */
    Step push(String delta) {
        if (blocked) {
            return Step.BLOCKED;
        }
        original.append(delta);
        pending.append(delta);
        return step(false);
    }

    /** The stream ended: scans and releases everything still held back. */
    Step finish() {
        if (blocked) {
            return Step.BLOCKED;
        }
        if (pending.isEmpty()) {
            return Step.NOTHING;
        }
        return step(true);
    }

    private Step step(boolean last) {
        if (!last && pending.length() <= holdBack) {
            return Step.NOTHING; // nothing could be released yet: skip the scan
        }
        String window = sentTail + pending.toString();
        int c = sentTail.length();
        int n = window.length();
        Verdict v = guard.apply(window);
        for (Finding f : v.findings()) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(f);
            }
        }
        note(v.action());
        if (v.action() == Action.BLOCK) {
            return block();
        }
        int cut = last ? n : n - holdBack;
        if (cut > c && cut < n && Character.isHighSurrogate(window.charAt(cut - 1))) {
            cut--; // never split a surrogate pair between two events
        }
        String release;
        int consumed;
        if (v.action() == Action.ALLOW) {
            release = window.substring(c, cut);
            consumed = cut - c;
        } else {
            String r = v.text();
            int m = r.length();
            int p = commonPrefix(window, r);
            int s = commonSuffix(window, r, Math.min(n, m) - p);
            if (p < c) {
                return block(); // the rewrite reaches into text the client already has
            }
            if (n - s <= cut) {
                release = r.substring(c, m - (n - cut));
                consumed = cut - c;
            } else {
                int upTo = Math.min(p, cut); // only the unchanged text before the first rewrite
                if (upTo > c && Character.isHighSurrogate(window.charAt(upTo - 1))) {
                    upTo--;
                }
                release = window.substring(c, upTo);
                consumed = upTo - c;
            }
        }
        pending.delete(0, consumed);
        sentTail.append(release);
        if (sentTail.length() > context) {
            sentTail.delete(0, sentTail.length() - context);
        }
        released |= !release.isEmpty();
        return new Step(release, false);
    }

    private Step block() {
        blocked = true;
        worst = Action.BLOCK;
        pending.setLength(0);
        return Step.BLOCKED;
    }

    private void note(Action a) {
        if (a.compareTo(worst) > 0) {
            worst = a;
        }
    }

    private static int commonPrefix(String a, String b) {
        int k = 0;
        int max = Math.min(a.length(), b.length());
        while (k < max && a.charAt(k) == b.charAt(k)) {
            k++;
        }
        return k;
    }

    private static int commonSuffix(String a, String b, int max) {
        int k = 0;
        while (k < max && a.charAt(a.length() - 1 - k) == b.charAt(b.length() - 1 - k)) {
            k++;
        }
        return k;
    }

    /** The strictest verdict of any window so far. */
    Action worst() {
        return worst;
    }

    boolean blocked() {
        return blocked;
    }

    /** Whether any text of this field reached the client. */
    boolean releasedAny() {
        return released;
    }

    /** Everything the upstream sent for this field. */
    String original() {
        return original.toString();
    }

    /** The findings of every window (spans are window offsets; only their types are audited). */
    List<Finding> findings() {
        return List.copyOf(findings);
    }
}
