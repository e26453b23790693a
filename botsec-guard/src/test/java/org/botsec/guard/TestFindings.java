package org.botsec.guard;

import org.botsec.core.finding.Finding;
import org.botsec.core.finding.FindingKind;
import org.botsec.core.finding.Score;
import org.botsec.core.finding.Severity;

/** Short accessors for guard findings in tests. */
public final class TestFindings {
    private TestFindings() {
    }

    public static String type(Finding f) {
        return GuardFindings.entityType(f);
    }

    public static int start(Finding f) {
        return f.span().orElseThrow().start();
    }

    public static int end(Finding f) {
        return f.span().orElseThrow().end();
    }

    public static double score(Finding f) {
        return f.score().orElseThrow().value();
    }

    public static Score.Basis basis(Finding f) {
        return f.score().orElseThrow().basis();
    }

    /** A PII-kind finding of {@code type} over {@code [start, end)} with the given score, for fixed scanners. */
    public static Finding of(String type, int start, int end, double score) {
        return Finding.builder("test." + type.toLowerCase(java.util.Locale.ROOT), FindingKind.PII, Severity.MEDIUM, type)
                .span(start, end).score(new Score(score, Score.Basis.UNCALIBRATED_SCORE)).source("test")
                .evidence(GuardFindings.ENTITY_TYPE, type).build();
    }
}
