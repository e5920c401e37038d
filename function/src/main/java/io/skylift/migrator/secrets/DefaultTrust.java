package io.skylift.migrator.secrets;

import io.skylift.migrator.database.DelegatingTrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's default trust ({@code javax.net.ssl.trustStore}, which Lambda's runtime client points at the system's CA
 * store, else the JDK's {@code cacerts}) for the Secrets Manager client's HTTPS, loaded once per JVM by whichever thread
 * asks first and waited for only by a TLS handshake. Loading it parses every certificate of the store (about 140; 50-100
 * ms of CPU in a cold JVM): the start-up warm-up loads it on its own thread while the SDK builds its client, instead
 * of the client's constructor loading it on the first invocation's path.
 */
public final class DefaultTrust {
    private static final FutureTask<X509ExtendedTrustManager> LOADED = new FutureTask<>(DefaultTrust::jdkDefault);

    private DefaultTrust() {
    }

    /** Loads the default trust here unless it is loaded or being loaded already. */
    public static void load() {
        LOADED.run();
    }

    /** Whether the default trust is loaded (or failed to load). */
    public static boolean isLoaded() {
        return LOADED.isDone();
    }

    /** For the SDK's HTTP client: trust managers that load the default trust when a handshake first needs it. */
    public static TrustManager[] managers() {
        return new TrustManager[] {new Deferred()};
    }

    private static X509ExtendedTrustManager loaded() throws CertificateException {
        LOADED.run();
        try {
            return LOADED.get();
        } catch (ExecutionException e) {
            throw new CertificateException("the JDK's default trust store could not be loaded: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertificateException("interrupted while the JDK's default trust store was loaded", e);
        }
    }

    private static X509ExtendedTrustManager jdkDefault() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return DelegatingTrustManager.extendedOf(factory);
    }

    /** Every check is the default trust manager's. */
    private static final class Deferred extends DelegatingTrustManager {
        @Override
        protected void check(X509Certificate[] chain, Check check) throws CertificateException {
            check.by(loaded());
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            try {
                return loaded().getAcceptedIssuers();
            } catch (CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }
}
