package org.botsec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path tmp;

    @Test
    void keysFileMapsKeysToClientNames() throws Exception {
        Path f = tmp.resolve("keys.txt");
        // Hash of "alice-key-0123456789" computed with `printf %s alice-key-0123456789 | sha256sum`.
        String aliceHash = ApiKeys.hash("alice-key-0123456789");
        Files.writeString(f, "# clients\n\nalice:" + aliceHash + "\nbob : " + ApiKeys.hash("bob-key-0123456789xx").toUpperCase() + "\n");
        ApiKeys keys = ApiKeys.load(f);
        assertEquals(2, keys.size());
        assertEquals(Optional.of("alice"), keys.lookup("alice-key-0123456789"));
        assertEquals(Optional.of("bob"), keys.lookup("bob-key-0123456789xx"));
        assertEquals(Optional.empty(), keys.lookup("alice-key-012345678"));
        assertEquals(Optional.empty(), keys.lookup(""));
        assertEquals(Optional.empty(), keys.lookup(aliceHash), "the stored hash itself is not a key");
    }

    @Test
    void sha256MatchesTheCoreutilsValue() {
        // printf %s abc | sha256sum
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.hash("abc"));
    }

    @Test
    void badFilesAreRejectedWithTheLineNumber() throws Exception {
        Path f = tmp.resolve("keys.txt");
        Files.writeString(f, "alice:" + ApiKeys.hash("x") + "\nbob:not-a-hash\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ApiKeys.load(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "# only comments\n");
        assertThrows(BadInputException.class, () -> ApiKeys.load(f));
        assertThrows(BadInputException.class, () -> ApiKeys.load(tmp.resolve("missing")));
    }
}
