package org.botsec.federated.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.botsec.core.BadInputException;
import org.botsec.federated.net.internal.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revocation file's forms and errors; certificates from {@link CertificateAuthority}. */
class RevocationListTest {
    @TempDir
    Path dir;

    private X509Certificate issue(String name) {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(dir, "ca-under-test", Duration.ofDays(1));
        CertificateAuthority.Issued i = ca.issueClient(name, Duration.ofDays(1));
        return Pem.readCertificates(i.certificate(), "certificate").get(0);
    }

    @Test
    void serialAndFingerprintFormsMatchOnlyTheirCertificate() throws Exception {
        X509Certificate a = issue("a");
        X509Certificate b = issue("b");
        X509Certificate c = issue("c");
        String fpColons = CertificateAuthority.fingerprint(b).toUpperCase().replaceAll("(..)(?!$)", "$1:");
        Path f = dir.resolve("revoked.txt");
        Files.writeString(f, "# comment\n\nserial:" + a.getSerialNumber().toString(16).toUpperCase()
                + "  # lost laptop\nsha256:" + fpColons + "\n");
        RevocationList r = RevocationList.of(f);
        assertEquals(2, r.size());
        assertTrue(r.reason(a).orElseThrow().startsWith("serial "));
        assertTrue(r.reason(b).orElseThrow().startsWith("fingerprint sha256:"));
        assertTrue(r.reason(c).isEmpty());
    }

    @Test
    void aChangedFileIsReadAgain() throws Exception {
        X509Certificate a = issue("a");
        Path f = dir.resolve("revoked.txt");
        Files.writeString(f, "");
        RevocationList r = RevocationList.of(f);
        assertTrue(r.reason(a).isEmpty());
        Files.writeString(f, "serial:" + a.getSerialNumber().toString(16) + "\n");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertTrue(r.reason(a).isPresent());
        // a file that turns malformed refuses everyone (fail closed) instead of admitting revoked clients
        Files.writeString(f, "whatever\n");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        assertTrue(r.reason(issue("fresh")).orElseThrow().startsWith("revocation list unreadable"));
    }

    @Test
    void badLinesAreOneLineErrorsNamingTheLine() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "serial:12\nsha256:abcd\n");
        BadInputException e = assertThrows(BadInputException.class, () -> RevocationList.of(f));
        assertTrue(e.getMessage().contains("line 2: sha256 fingerprint must be 64 hex digits"), e.getMessage());
        Files.writeString(f, "12ab\n");
        e = assertThrows(BadInputException.class, () -> RevocationList.of(f));
        assertTrue(e.getMessage().contains("line 1: expected serial:HEX or sha256:HEX"), e.getMessage());
    }
}
