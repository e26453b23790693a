package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keyed hashing depends on the key; pseudonyms round-trip only with the keyset that made them. */
class AnonymizerTest {
    @Test
    void hashIsKeyedDeterministicAndTyped() {
        KeyedHasher a = KeyedHasher.generate();
        KeyedHasher b = KeyedHasher.generate();
        String t1 = a.token("EMAIL", "bob@example.org");
        assertTrue(t1.matches("<EMAIL:[0-9a-f]{16}>"), t1);
        assertEquals(t1, a.token("EMAIL", "bob@example.org"));
        assertNotEquals(t1, b.token("EMAIL", "bob@example.org"), "another key must give another token (salted)");
        assertNotEquals(t1, a.token("EMAIL", "alice@example.org"));
        assertNotEquals(t1.substring(7), a.token("PHONE", "bob@example.org").substring(7));
        // not an unsalted SHA-256 of the value
        String plain = java.util.HexFormat.of().formatHex(sha256("EMAIL\u0000bob@example.org"), 0, 8);
        assertNotEquals("<EMAIL:" + plain + ">", t1);
    }

    @Test
    void pseudonymRoundTripOnlyWithKey() {
        Pseudonymizer owner = new Pseudonymizer(Pseudonymizer.newKeyset());
        Pseudonymizer stranger = new Pseudonymizer(Pseudonymizer.newKeyset());
        GuardPipeline p = GuardPipeline.builder().anonymization(Anonymization.PSEUDONYMIZE).pseudonymizer(owner)
                .add(org.botsec.guard.internal.PiiScanner.all(), Action.REDACT).build();
        String text = "Reach me at bob@example.org or +44 20 7946 0958.";
        Verdict v = p.scan(text, Direction.INPUT);
        assertEquals(Action.REDACT, v.action());
        assertFalse(v.text().contains("bob@example.org"));
        assertFalse(v.text().contains("7946"));
        assertEquals(v.text(), p.scan(text, Direction.INPUT).text(), "deterministic");
        assertEquals(text, owner.reveal(v.text()));
        assertEquals(v.text(), stranger.reveal(v.text()), "without the key nothing is revealed");
        // a token moved to another type does not decrypt (type is associated data)
        String token = owner.token("EMAIL", "bob@example.org");
        String moved = token.replace("<EMAIL~", "<PHONE~");
        assertEquals(moved, owner.reveal(moved));
    }

    @Test
    void hashAnonymizationInPipeline() {
        GuardPipeline p = GuardPipeline.builder().anonymization(Anonymization.HASH)
                .add(org.botsec.guard.internal.PiiScanner.all(), Action.REDACT).build();
        Verdict v = p.scan("a@example.org and a@example.org", Direction.INPUT);
        List<String> parts = List.of(v.text().split(" and "));
        assertEquals(parts.get(0), parts.get(1));
        assertTrue(parts.get(0).startsWith("<EMAIL:"));
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
