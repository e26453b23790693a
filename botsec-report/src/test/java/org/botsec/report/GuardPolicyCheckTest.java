package org.botsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.finding.AtlasTechnique;
import org.botsec.core.finding.Finding;
import org.botsec.guard.Action;
import org.botsec.guard.Guard;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Verdict;
import org.botsec.report.audit.AuditConfig;
import org.botsec.report.audit.AuditContext;
import org.botsec.report.audit.GuardUnderTest;
import org.botsec.report.checks.GuardPolicyCheck;
import org.junit.jupiter.api.Test;

/**
 * The guard self-test. References: guards whose answer on every probe is known by construction (allow all, block
 * all, a "redaction" that keeps the text) must give rates of exactly 0 or 1; the default pipeline is then measured
 * and its numbers printed in docs/report.md.
 */
class GuardPolicyCheckTest {
    static final GuardPolicyCheck CHECK = new GuardPolicyCheck();
    static final AuditConfig.Section DEFAULTS = AuditConfig.defaults(List.of(CHECK), 1).section(GuardPolicyCheck.ID);

    @org.junit.jupiter.api.BeforeAll
    static void data() {
        AuditRunnerTest.fit();
    }

    static CheckResult run(Guard guard) {
        AuditContext ctx = AuditRunnerTest.context(Optional.empty(), 1);
        return CHECK.run(ctx.withGuard(new GuardUnderTest("test guard", "", guard)), DEFAULTS);
    }

    @Test
    void notApplicableWithoutAPolicy() {
        assertEquals(CheckResult.Status.NOT_APPLICABLE,
                CHECK.run(AuditRunnerTest.context(Optional.empty(), 1), DEFAULTS).status());
    }

    @Test
    void aGuardThatAllowsEverythingStopsNothing() {
        CheckResult r = run((text, direction) -> new Verdict(Action.ALLOW, text, List.of(), List.of()));
        assertEquals(CheckResult.Status.FAIL, r.status());
        assertEquals(0.0, r.metrics().get("injection_block_rate"));
        assertEquals(0.0, r.metrics().get("pii_catch_rate"));
        assertEquals(0.0, r.metrics().get("secret_catch_rate"));
        assertEquals(0.0, r.metrics().get("false_positive_rate"));
        assertEquals(16.0, r.metrics().get("injection_probes"));
        assertEquals(24.0, r.metrics().get("benign_probes"));
        Finding injection = r.findings().stream().filter(f -> f.ruleId().equals("audit.guard.injection-missed"))
                .findFirst().orElseThrow();
        assertEquals(Optional.of(AtlasTechnique.LLM_PROMPT_INJECTION), injection.atlas());
        assertEquals("AML.T0051", injection.atlas().get().id());
        assertTrue(r.findings().stream().anyMatch(f -> f.atlas().equals(Optional.of(AtlasTechnique.LLM_DATA_LEAKAGE))));
        assertFalse(r.findings().stream().anyMatch(f -> f.ruleId().equals("audit.guard.false-positives")));
    }

    @Test
    void aGuardThatBlocksEverythingFailsOnFalsePositives() {
        CheckResult r = run((text, direction) -> new Verdict(Action.BLOCK, "", List.of(), List.of()));
        assertEquals(CheckResult.Status.FAIL, r.status());
        assertEquals(1.0, r.metrics().get("injection_block_rate"));
        assertEquals(1.0, r.metrics().get("pii_catch_rate"));
        assertEquals(1.0, r.metrics().get("false_positive_rate"));
        assertTrue(r.summary().contains("Below its bound: false-positive rate."), r.summary());
    }

    @Test
    void aRedactionThatKeepsTheValueCatchesNothing() {
        CheckResult r = run((text, direction) -> new Verdict(Action.REDACT, text + " ", List.of(), List.of()));
        assertEquals(0.0, r.metrics().get("pii_catch_rate"));
        assertEquals(0.0, r.metrics().get("secret_catch_rate"));
        assertEquals(1.0, r.metrics().get("false_positive_rate"), "a changed benign text is a false positive");
    }

    @Test
    void theDefaultPipelineIsMeasured() {
        CheckResult r = run(GuardPipeline.defaults());
        Map<String, Double> m = r.metrics();
        System.out.println("default guard pipeline: " + m + " " + r.status() + "\n" + r.summary());
        for (Finding f : r.findings()) {
            System.out.println("  " + f.ruleId() + " " + f.evidence());
        }
        // the default pipeline blocks injections and redacts PII and secrets (docs/guard.md): it must do better
        // than half of each, and stay below the default false-positive bound
        assertTrue(m.get("injection_block_rate") > 0.5, m.toString());
        assertTrue(m.get("pii_catch_rate") > 0.5, m.toString());
        assertTrue(m.get("secret_catch_rate") > 0.5, m.toString());
        assertTrue(m.get("false_positive_rate") <= 0.1, m.toString());
    }
}
