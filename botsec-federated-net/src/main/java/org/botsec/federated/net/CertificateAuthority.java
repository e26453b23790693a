package org.botsec.federated.net;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.botsec.core.BadInputException;
import org.botsec.federated.net.internal.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for one federation: it issues the coordinator's server certificate and one client
 * certificate per data holder, all ECDSA P-256 with SHA-256, written as PEM files that {@code fl server} and
 * {@code fl client} read. BouncyCastle only builds and signs the certificates; keys come from the JDK.
 *
 * <p>Files in the folder: {@code ca.pem} (give it to every party), {@code ca.key} (keep it offline: whoever holds it
 * can admit clients), and {@code NAME.pem} / {@code NAME.key} per issued certificate. Keys are written readable by
 * their owner only.
 *
 * <p>Security guarantees: serials are 128 random bits from {@link SecureRandom}; the CA has basic constraints CA
 * (path length 0); server certificates carry the {@code serverAuth} extended key usage and the given DNS names / IP
 * addresses, client certificates {@code clientAuth} only, so a client certificate cannot serve as the coordinator
 * and vice versa. Private keys are never printed.
 */
public final class CertificateAuthority {
    /** Names of issued certificates: also their file names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Path dir;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Path dir) {
        this.certificate = certificate;
        this.key = key;
        this.dir = dir;
    }

    /** What was issued: the files and the identifiers a revocation list may name. */
    public record Issued(String name, Path certificate, Path key, String serialHex, String sha256Fingerprint) {
    }

    /**
     * Opens the CA in {@code dir} ({@code ca.pem} + {@code ca.key}), creating it (valid {@code validity}) when the
     * folder has neither. The folder must exist.
     */
    public static CertificateAuthority openOrCreate(Path dir, String caName, Duration validity) {
        if (!Files.isDirectory(dir)) {
            throw BadInputException.of("certificate folder %s does not exist", dir);
        }
        Path pem = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca.key");
        boolean hasPem = Files.exists(pem);
        if (hasPem != Files.exists(keyFile)) {
            throw BadInputException.of("certificate folder %s has only one of ca.pem and ca.key", dir);
        }
        if (hasPem) {
            return new CertificateAuthority(Pem.readCertificates(pem, "CA certificate").get(0),
                    Pem.readPrivateKey(keyFile, "CA key"), dir);
        }
        checkName(caName);
        KeyPair kp = newKeyPair();
        X500Name subject = new X500Name("CN=" + caName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject, subject, kp, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp.getPrivate());
            Pem.write(keyFile, Pem.privateKey(kp.getPrivate()), true);
            Pem.write(pem, Pem.certificate(cert), false);
            return new CertificateAuthority(cert, kp.getPrivate(), dir);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the CA certificate", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate file ({@code ca.pem}). */
    public Path certificateFile() {
        return dir.resolve("ca.pem");
    }

    /** Issues the coordinator's certificate for these DNS names or IP addresses (the first is its CN). */
    public Issued issueServer(String name, List<String> hosts, Duration validity) {
        checkName(name);
        if (hosts.isEmpty()) {
            throw new BadInputException("a server certificate needs at least one host name or IP address");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            boolean ip = h.matches("[0-9.]+") || h.contains(":");
            if (!ip && !h.matches("[A-Za-z0-9*]([A-Za-z0-9.-]{0,252})")) {
                throw BadInputException.of("server host must be a DNS name or an IP address, got '%s'", h);
            }
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        return issue(name, validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** Issues a client certificate; the name identifies the client in the coordinator's logs. */
    public Issued issueClient(String name, Duration validity) {
        return issue(name, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** Tests only: a client certificate valid from {@code notBefore} to {@code notAfter} (e.g. already expired). */
    Issued issueClientValid(String name, Instant notBefore, Instant notAfter) {
        return issue(name, Duration.between(notBefore, notAfter), KeyPurposeId.id_kp_clientAuth, null,
                Optional.of(notBefore));
    }

    private Issued issue(String name, Duration validity, KeyPurposeId purpose, GeneralNames san) {
        return issue(name, validity, purpose, san, Optional.empty());
    }

    private Issued issue(String name, Duration validity, KeyPurposeId purpose, GeneralNames san,
                         Optional<Instant> start) {
        checkName(name);
        if (name.equals("ca")) {
            throw new BadInputException("'ca' is the CA's own file name; choose another certificate name");
        }
        KeyPair kp = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(new X500Name(certificate.getSubjectX500Principal().getName()),
                    new X500Name("CN=" + name), kp, validity, start)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            X509Certificate cert = sign(b, key);
            Path keyFile = dir.resolve(name + ".key");
            Path certFile = dir.resolve(name + ".pem");
            Pem.write(keyFile, Pem.privateKey(kp.getPrivate()), true);
            Pem.write(certFile, Pem.certificate(cert), false);
            return new Issued(name, certFile, keyFile, cert.getSerialNumber().toString(16), fingerprint(cert));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue certificate " + name, e);
        }
    }

    /** Lower-case hex SHA-256 of the certificate's DER encoding (what {@code openssl x509 -fingerprint -sha256} shows). */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash certificate", e);
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw BadInputException.of("certificate name must be 1-64 letters, digits, '.', '_' or '-', got '%s'",
                    name);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Duration validity) {
        return builder(issuer, subject, kp, validity, Optional.empty());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Duration validity,
                                                    Optional<Instant> start) {
        if (validity.isNegative() || validity.isZero() || validity.toDays() > 3650) {
            throw BadInputException.of("certificate validity must be 1 to 3650 days, got %d days", validity.toDays());
        }
        // back-dated by a minute: a peer whose clock is slightly behind still accepts a fresh certificate
        Instant from = start.orElse(Instant.now().minusSeconds(60));
        Instant to = start.isPresent() ? from.plus(validity) : from.plusSeconds(60).plus(validity);
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, RANDOM).setBit(127),
                Date.from(from), Date.from(to), subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator", e);
        }
    }
}
