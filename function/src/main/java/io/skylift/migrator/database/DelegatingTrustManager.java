package io.skylift.migrator.database;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager whose every check is made by a JDK trust manager that a subclass chooses per chain: the three server
 * checks and the three client checks (socket, engine, neither) each become one {@link Check} handed to
 * {@link #check} or {@link #checkClient}.
 */
public abstract class DelegatingTrustManager extends X509ExtendedTrustManager {
    /** One of a JDK trust manager's checks. */
    protected interface Check {
        void by(X509ExtendedTrustManager manager) throws CertificateException;
    }

    /** The X509ExtendedTrustManager a JDK factory made (its PKIX factory makes one). */
    public static X509ExtendedTrustManager extendedOf(TrustManagerFactory factory) throws GeneralSecurityException {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("the JDK's " + factory.getAlgorithm()
                + " trust manager factory made no X509ExtendedTrustManager");
    }

    /** Has the trust manager(s) that decide for {@code chain} run {@code check}. */
    protected abstract void check(X509Certificate[] chain, Check check) throws CertificateException;

    /** A client's chain: the same as a server's unless a subclass says otherwise. */
    protected void checkClient(X509Certificate[] chain, Check check) throws CertificateException {
        check(chain, check);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, manager -> manager.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, manager -> manager.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, manager -> manager.checkServerTrusted(chain, authType));
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClient(chain, manager -> manager.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClient(chain, manager -> manager.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClient(chain, manager -> manager.checkClientTrusted(chain, authType));
    }
}
