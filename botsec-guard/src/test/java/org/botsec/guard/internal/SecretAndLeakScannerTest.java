package org.botsec.guard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.finding.Finding;
import org.botsec.guard.TestFindings;
import org.botsec.guard.Direction;
import org.junit.jupiter.api.Test;

/**
 * Secrets by documented token formats (example keys from the vendors' own documentation, e.g. AWS's
 * AKIAIOSFODNN7EXAMPLE) plus entropy, and system-prompt/canary leakage.
 */
class SecretAndLeakScannerTest {
    private static final SecretScanner SECRETS = SecretScanner.defaults();

    private static List<String> types(String text) {
        return SECRETS.scan(text, Direction.OUTPUT).stream().map(TestFindings::type).toList();
    }

    @Test
    void knownTokenFormats() {
        assertEquals(List.of("AWS_ACCESS_KEY_ID"), types("key AKIAIOSFODNN7EXAMPLE here"));
        assertEquals(List.of("GITHUB_TOKEN"), types("ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"));
        assertEquals(List.of("SLACK_TOKEN"), types("xoxb-1234567890-abcdefghijkl"));
        assertEquals(List.of("STRIPE_KEY"), types("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"));
        assertEquals(List.of("GOOGLE_API_KEY"), types("AIza" + "SyA-1234567890abcdefghijklmnopqrstu"));
        assertEquals(List.of("JWT"), types("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"));
        assertEquals(List.of("PRIVATE_KEY"), types("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"));
        assertEquals(List.of("PRIVATE_KEY"), types("-----BEGIN PRIVATE KEY-----\nMIIE"));
    }

    @Test
    void genericAssignmentNeedsEntropy() {
        String text = "api_key=Zx9Qw2Lm7Rt4Vb8Nc1Yh";
        List<Finding> ds = SECRETS.scan(text, Direction.INPUT);
        assertEquals(1, ds.size());
        assertEquals("Zx9Qw2Lm7Rt4Vb8Nc1Yh", text.substring(TestFindings.start(ds.get(0)), TestFindings.end(ds.get(0))));
        assertEquals(List.of(), types("password=aaaaaaaaaaaaaaaa"));
        assertEquals(List.of(), types("the token system works well"));
        assertEquals(List.of(), types("just a normal sentence about keys and secrets"));
    }

    @Test
    void entropyIsShannonBitsPerChar() {
        assertEquals(0.0, SecretScanner.shannonEntropy("aaaa", 0, 4), 1e-12);
        assertEquals(2.0, SecretScanner.shannonEntropy("abcd", 0, 4), 1e-12);
        assertEquals(1.0, SecretScanner.shannonEntropy("abab", 0, 4), 1e-12);
        assertThrows(BadInputException.class, () -> new SecretScanner(0));
    }

    @Test
    void systemPromptLeakVerbatimAndOverlap() {
        String prompt = "You are Acme's support assistant. Never offer refunds above 50 euros without a manager. "
                + "The escalation phone line is internal only.";
        LeakScanner leak = new LeakScanner(prompt, List.of("CANARY-7f3a9c"), 8);
        String verbatim = "Sure! My instructions: " + prompt;
        List<Finding> ds = leak.scan(verbatim, Direction.OUTPUT);
        assertEquals(1, ds.size());
        assertEquals("SYSTEM_PROMPT_LEAK", TestFindings.type(ds.get(0)));
        assertEquals(verbatim.indexOf("You are"), TestFindings.start(ds.get(0)));
        assertEquals(verbatim.length() - 1, TestFindings.end(ds.get(0))); // final '.' is not a word
        assertEquals(1.0, (double) ds.get(0).evidence().get("prompt_ngram_coverage"), 1e-9);
        assertEquals("guard.leak.system_prompt", ds.get(0).ruleId());

        String partial = "i was told: NEVER offer refunds above 50 euros   without a manager, sorry";
        List<Finding> p = leak.scan(partial, Direction.OUTPUT);
        assertEquals(1, p.size());
        double coverage = (double) p.get(0).evidence().get("prompt_ngram_coverage");
        assertTrue(coverage > 0 && coverage < 1.0, "coverage " + coverage);

        assertEquals(List.of(), leak.scan("Refunds above 50 euros need a manager.", Direction.OUTPUT));
    }

    @Test
    void canary() {
        LeakScanner leak = new LeakScanner(null, List.of("CANARY-7f3a9c"), 8);
        String text = "here: CANARY-7f3a9c";
        List<Finding> ds = leak.scan(text, Direction.OUTPUT);
        assertEquals(1, ds.size());
        assertEquals("CANARY-7f3a9c", text.substring(TestFindings.start(ds.get(0)), TestFindings.end(ds.get(0))));
        assertThrows(BadInputException.class, () -> new LeakScanner(null, List.of(), 8));
        assertThrows(BadInputException.class, () -> new LeakScanner(null, List.of("abc"), 8));
    }
}
