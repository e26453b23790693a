package org.botsec.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Consumer;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;

/**
 * Damaged keysets give a {@link BadInputException} whose message never carries the key bytes, whatever kind of
 * exception Tink's parser throws underneath (checked or runtime).
 */
class TinkKeysetErrorsTest {
    private static final String SECRET = "c2VjcmV0LWtleS1ieXRlcy10aGF0LW11c3Qtbm90LWxlYWs=";

    private static final List<String> DAMAGED = List.of(
            "{\"primaryKeyId\": \"" + SECRET + "\", \"key\": []}",
            "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"typeUrl\": \"x\", \"value\": \"" + SECRET
                    + "\", \"keyMaterialType\": \"SYMMETRIC\"}, \"status\": \"ENABLED\", \"keyId\": 1, \"outputPrefixType\": \"RAW\"}]}",
            "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"typeUrl\": 7, \"value\": {\"v\": \"" + SECRET + "\"}}}]}",
            "[\"" + SECRET + "\"",
            SECRET);

    @Test
    void keyedHasherNeverEchoesKeyBytes() {
        check(KeyedHasher::fromJsonKeyset);
    }

    @Test
    void pseudonymizerNeverEchoesKeyBytes() {
        check(Pseudonymizer::fromJsonKeyset);
    }

    private static void check(Consumer<String> parse) {
        for (String json : DAMAGED) {
            BadInputException e = assertThrows(BadInputException.class, () -> parse.accept(json), json);
            assertFalse(e.getMessage().contains(SECRET.substring(0, 16)), e.getMessage());
        }
    }
}
