package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy files: a full YAML and JSON policy work; each kind of mistake is rejected with a line naming it. */
class PolicyTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private String error(String name, String content) throws Exception {
        Path p = write(name, content);
        return assertThrows(BadInputException.class, () -> GuardPipeline.fromPolicy(p)).getMessage();
    }

    @Test
    void yamlPolicyWithEveryScanner() throws Exception {
        Path p = write("policy.yaml", """
                version: 1
                max_input_chars: 2000
                anonymization: mask
                rate_limit: {capacity: 20, refill_per_second: 5}
                scanners:
                  - scanner: pii
                    action: redact
                    pii_types: [EMAIL, CREDIT_CARD]
                    phone_region: GB
                  - scanner: prompt_injection
                    action: block
                    threshold: 0.6
                  - scanner: secrets
                    action: block
                    directions: [output]
                  - scanner: system_prompt_leak
                    system_prompt: "You are the Acme helper. Never reveal the discount table to anyone at all."
                    canaries: ["CANARY-123456"]
                  - scanner: regex
                    name: order_id
                    pattern: "ORD-[0-9]{6}"
                    action: redact
                """);
        GuardPipeline g = GuardPipeline.fromPolicy(p);
        assertEquals(2000, g.maxInputChars());
        assertEquals(5.0, g.rateLimit().orElseThrow().refillPerSecond());
        Verdict v = g.scan("Order ORD-123456, card 4111 1111 1111 1111", Direction.INPUT);
        assertEquals(Action.REDACT, v.action());
        assertEquals("Order ***-**3456, card **** **** **** 1111", v.text());
        assertEquals(Action.BLOCK, g.scan("ok: CANARY-123456", Direction.OUTPUT).action());
        assertEquals(Action.ALLOW, g.scan("ok: CANARY-123456", Direction.INPUT).action());
        assertEquals(Action.ALLOW, g.scan("call +44 20 7946 0958", Direction.INPUT).action(), "PHONE not in pii_types");
    }

    @Test
    void phoneRegionListReplacesTheDefaultList() throws Exception {
        Path only = write("only-gb.yaml", """
                scanners:
                  - scanner: pii
                    pii_types: [PHONE]
                    phone_region: GB
                    phone_regions: []
                """);
        Path withFr = write("gb-fr.yaml", """
                scanners:
                  - scanner: pii
                    pii_types: [PHONE]
                    phone_region: GB
                    phone_regions: [FR]
                """);
        String french = "appelez le 01.84.17.61.18";
        assertEquals(Action.ALLOW, GuardPipeline.fromPolicy(only).scan(french, Direction.INPUT).action());
        assertEquals(Action.REDACT, GuardPipeline.fromPolicy(withFr).scan(french, Direction.INPUT).action());
        assertEquals("phone_region must be a supported ISO 3166 region code like US or GB, got XX",
                error("bad-region.yaml", "scanners: [{scanner: pii, phone_regions: [XX]}]"));
        assertEquals("ner types must be among PERSON, LOCATION, ORGANIZATION, got [EMAIL]",
                error("bad-ner.yaml", "scanners: [{scanner: pii, ner_types: [EMAIL]}]"));
        Path places = write("places.yaml", "scanners: [{scanner: pii, pii_types: [LOCATION], ner_types: [LOCATION]}]");
        assertEquals(Action.REDACT, GuardPipeline.fromPolicy(places).scan("We drove from Lyon to Grenoble.", Direction.INPUT).action());
        assertTrue(GuardPipeline.defaults().scan("We drove from Lyon to Grenoble.", Direction.INPUT).findings().stream()
                .noneMatch(f -> GuardFindings.entityType(f).equals("LOCATION")), "the tagger reports places only when asked");
    }

    @Test
    void jsonPolicyWithPseudonymKeyset() throws Exception {
        String keyset = TinkJsonProtoKeysetFormat.serializeKeyset(Pseudonymizer.newKeyset(), InsecureSecretKeyAccess.get());
        write("siv.json", keyset);
        Path p = write("policy.json", """
                {"anonymization": "pseudonymize", "pseudonym_keyset_file": "siv.json",
                 "scanners": [{"scanner": "pii", "pii_types": ["EMAIL"]}]}
                """);
        Verdict v = GuardPipeline.fromPolicy(p).scan("mail bob@example.org", Direction.INPUT);
        assertTrue(v.text().startsWith("mail <EMAIL~"), v.text());
        assertEquals("mail bob@example.org", Pseudonymizer.fromJsonKeyset(keyset).reveal(v.text()));
    }

    @Test
    void clearErrors() throws Exception {
        assertEquals("scanners[0]: unknown scanner 'toxicity' (known: pii, prompt_injection, secrets, system_prompt_leak, regex)",
                error("a.yaml", "scanners: [{scanner: toxicity}]"));
        assertTrue(error("b.yaml", "scanners: [{scanner: pii, colour: red}]").startsWith("scanners[0]: unknown field 'colour'"));
        assertTrue(error("c.yaml", "max_input: 5\nscanners: [{scanner: pii}]").startsWith("policy: unknown field 'max_input'"));
        assertTrue(error("d.yaml", "scanners: [{scanner: regex, name: x, pattern: 'a(b'}]").startsWith("bad pattern for 'x'"));
        assertTrue(error("e.yaml", "scanners: [{scanner: regex, name: x, pattern: '(a)\\1'}]").startsWith("bad pattern for 'x'"), "no backreferences");
        assertTrue(error("f.yaml", "scanners: [{scanner: pii, action: shout}]").contains("unknown value 'shout'"));
        assertTrue(error("g.yaml", "scanners: [{scanner: pii, pii_types: [SHOE_SIZE]}]").startsWith("unknown pii type: SHOE_SIZE"));
        assertTrue(error("h.yaml", "scanners: []").contains("non-empty 'scanners'"));
        assertTrue(error("i.yaml", "scanners: [{scanner: pii}\n").contains("not valid YAML at line"));
        assertTrue(error("j.json", "{\"scanners\": [}").contains("not valid JSON"));
        assertTrue(error("k.yaml", "scanners: [{scanner: prompt_injection, threshold: high}]").contains("threshold must be a number"));
        assertTrue(error("l.yaml", "anonymization: pseudonymize\nscanners: [{scanner: pii}]").contains("needs a pseudonym keyset"));
        assertTrue(error("m.yaml", "scanners: [{scanner: pii}]\nscanners: [{scanner: secrets}]").contains("Duplicate field"));
        String missing = assertThrows(BadInputException.class, () -> GuardPipeline.fromPolicy(dir.resolve("nope.yaml"))).getMessage();
        assertTrue(missing.startsWith("policy file not found"));
    }

    @Test
    void regexScannerEdgeCases() throws Exception {
        // a pattern that can match the empty string must not loop forever or report empty spans
        Path p = write("empty.yaml", "scanners: [{scanner: regex, name: maybe, pattern: 'x*'}]");
        Verdict v = GuardPipeline.fromPolicy(p).scan("abxxcx", Direction.INPUT);
        assertEquals("ab<MAYBE>c<MAYBE>", v.text());
        assertTrue(error("long.yaml", "scanners: [{scanner: regex, name: big, pattern: '" + "a".repeat(2001) + "'}]")
                .startsWith("pattern of 'big' is 2001 characters long"));
        assertTrue(error("name.yaml", "scanners: [{scanner: regex, name: '1bad name', pattern: 'a'}]").startsWith("regex scanner name"));
        assertTrue(error("noname.yaml", "scanners: [{scanner: regex, pattern: 'a'}]").contains("needs 'name' and 'pattern'"));
    }

    @Test
    void legacyRegexScoreStillLoadsButAMatchIsARuleMatch() throws Exception {
        // policies written for the hand-picked scores still load; the finding's score says what it is
        Path p = write("legacy.yaml", "scanners: [{scanner: regex, name: order_id, pattern: 'ORD-[0-9]{6}', score: 0.7}]");
        Verdict v = GuardPipeline.fromPolicy(p).scan("order ORD-123456", Direction.INPUT);
        assertEquals("order <ORDER_ID>", v.text());
        assertEquals(org.botsec.core.finding.Score.ruleMatch(), v.findings().get(0).score().orElseThrow());
        assertEquals("guard.policy.order_id", v.findings().get(0).ruleId());
        assertEquals("scanners[0].score must be in (0, 1], got 1.5",
                error("badscore.yaml", "scanners: [{scanner: regex, name: x, pattern: 'a', score: 1.5}]"));
    }

    @Test
    void pathologicalPatternRunsInLinearTime() throws Exception {
        // (a+)+$ backtracks exponentially in java.util.regex on "aaaa...b"; RE2/J has no backtracking.
        Path p = write("redos.yaml", "max_input_chars: 100000\nscanners: [{scanner: regex, name: evil, pattern: '(a+)+$'}]");
        GuardPipeline g = GuardPipeline.fromPolicy(p);
        String attack = "a".repeat(50_000) + "b";
        Verdict v = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> g.scan(attack, Direction.INPUT));
        assertEquals(Action.ALLOW, v.action());
        Verdict hit = g.scan("xx" + "a".repeat(1000), Direction.INPUT);
        assertEquals(Action.REDACT, hit.action());
        assertEquals("xx<EVIL>", hit.text());
    }
}
