package io.skylift.migrator.database;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS socket factories that trust the CAs of a PEM bundle ({@code DB_SSL_ROOT_CERT}), each bundle read and parsed once
 * and kept while its file stays the same (same size and modification time). Amazon RDS's global bundle holds about 120
 * certificates; pgjdbc's own factory reads and parses all of them again for every connection, which a warm function
 * would pay on every invocation.
 */
public final class TrustedRoots {
    private record Loaded(long size, FileTime modified, SSLSocketFactory factory) {
    }

    private static final Map<Path, Loaded> LOADED = new ConcurrentHashMap<>();

    private TrustedRoots() {
    }

    /**
     * @return a factory whose sockets trust exactly the certificates of {@code bundle}, the same one for as long as the
     *         file is unchanged
     * @throws CertificateException when the file holds no certificate or one that cannot be parsed
     * @throws IOException          when the file cannot be read
     */
    public static SSLSocketFactory socketFactory(Path bundle) throws IOException, GeneralSecurityException {
        Path key = bundle.toAbsolutePath().normalize();
        BasicFileAttributes file = Files.readAttributes(key, BasicFileAttributes.class);
        Loaded loaded = LOADED.get(key);
        if (loaded != null && loaded.size() == file.size() && loaded.modified().equals(file.lastModifiedTime())) {
            return loaded.factory();
        }
        synchronized (TrustedRoots.class) {
            loaded = LOADED.get(key);
            if (loaded != null && loaded.size() == file.size() && loaded.modified().equals(file.lastModifiedTime())) {
                return loaded.factory();
            }
            SSLSocketFactory factory = load(key);
            LOADED.put(key, new Loaded(file.size(), file.lastModifiedTime(), factory));
            return factory;
        }
    }

    /** Whether {@code bundle} is parsed and its file unchanged since, so a connection would not read it. */
    public static boolean isLoaded(Path bundle) {
        Path key = bundle.toAbsolutePath().normalize();
        Loaded loaded = LOADED.get(key);
        try {
            BasicFileAttributes file = Files.readAttributes(key, BasicFileAttributes.class);
            return loaded != null && loaded.size() == file.size() && loaded.modified().equals(file.lastModifiedTime());
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLSocketFactory load(Path bundle) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(bundle)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("the CA bundle " + bundle + " holds no PEM certificate");
        }
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
            anchors.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
