package io.skylift.migrator.database;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts what the JDK's PKIX trust manager over the whole CA bundle trusts, without parsing the whole bundle: it first
 * validates the server's chain against only the bundle's certificates that the chain names as an issuer (one or two),
 * and only when that fails asks the whole bundle, whose verdict is then the answer. So it accepts exactly the chains
 * the whole bundle accepts, and a cold start parses two certificates instead of about 120.
 */
final class CaBundleTrustManager extends DelegatingTrustManager {
    private final CaBundle bundle;
    private final Map<BitSet, X509ExtendedTrustManager> byIssuers = new ConcurrentHashMap<>();
    private volatile X509ExtendedTrustManager whole;

    CaBundleTrustManager(CaBundle bundle) {
        this.bundle = bundle;
    }

    /** The check by the chain's issuers in the bundle; when it fails, or none is there, the whole bundle's. */
    @Override
    protected void check(X509Certificate[] chain, Check check) throws CertificateException {
        X509ExtendedTrustManager issuers = forIssuersOf(chain);
        if (issuers != null) {
            try {
                check.by(issuers);
                return;
            } catch (CertificateException e) {
                // the whole bundle decides
            }
        }
        check.by(whole());
    }

    @Override
    protected void checkClient(X509Certificate[] chain, Check check) throws CertificateException {
        throw new CertificateException("the database's CA bundle authenticates servers only");
    }

    /**
     * None: a client names no CAs to the server (the JDK's client sends none unless told to), and listing them would
     * parse the whole bundle.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private X509ExtendedTrustManager forIssuersOf(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            return null;
        }
        BitSet issuers = bundle.issuersOf(chain);
        if (issuers.isEmpty()) {
            return null;
        }
        X509ExtendedTrustManager known = byIssuers.get(issuers);
        if (known == null) {
            known = pkix(bundle.certificates(issuers));
            byIssuers.put(issuers, known);
        }
        return known;
    }

    private X509ExtendedTrustManager whole() throws CertificateException {
        X509ExtendedTrustManager manager = whole;
        if (manager == null) {
            manager = pkix(bundle.certificates(null));
            whole = manager;
        }
        return manager;
    }

    private static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) throws CertificateException {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            int index = 0;
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("ca-" + index++, anchor);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return extendedOf(factory);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new CertificateException("cannot build a trust manager over the CA bundle: " + e.getMessage(), e);
        }
    }
}
