package org.botsec.federated.net.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.botsec.federated.net.RevocationList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's check of a client certificate during the TLS handshake: PKIX validation against the
 * federation's CA only (chain, signatures, validity dates, key usage {@code clientAuth}), then the revocation list.
 * A refused certificate ends the handshake; the refusal is logged at WARN with the certificate's subject and serial
 * (no key material).
 */
public final class ClientCertificateTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger("org.botsec.federated.net.FlServer");

    private final X509ExtendedTrustManager pkix;
    private final RevocationList revoked;

    public ClientCertificateTrustManager(List<X509Certificate> cas, RevocationList revoked) {
        this.revoked = revoked;
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            X509ExtendedTrustManager found = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    found = x;
                }
            }
            if (found == null) {
                throw new IllegalStateException("no X509 trust manager");
            }
            this.pkix = found;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the CA trust store", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            LOG.warn("refused client certificate {}: not valid for this federation's CA ({})", describe(chain),
                    e.getMessage());
            throw e;
        }
        checkRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            LOG.warn("refused client certificate {}: not valid for this federation's CA ({})", describe(chain),
                    e.getMessage());
            throw e;
        }
        checkRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        checkRevoked(chain);
    }

    private void checkRevoked(X509Certificate[] chain) throws CertificateException {
        Optional<String> why = revoked.reason(chain[0]);
        if (why.isPresent()) {
            LOG.warn("refused client certificate {}: revoked ({})", describe(chain), why.get());
            throw new CertificateException("client certificate revoked");
        }
    }

    private static String describe(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "(none)";
        }
        return "'" + chain[0].getSubjectX500Principal().getName() + "' serial " + chain[0].getSerialNumber().toString(16);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
