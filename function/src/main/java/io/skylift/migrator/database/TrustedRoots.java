package io.skylift.migrator.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * TLS socket factories that trust the CAs of a PEM bundle ({@code DB_SSL_ROOT_CERT}), each bundle read once and kept
 * while its file stays the same (same size and modification time), its certificates parsed only when a server's chain
 * names them ({@link CaBundleTrustManager}). Amazon RDS's global bundle holds about 120 certificates; pgjdbc's own
 * factory reads and parses all of them again for every connection, which a cold start pays in full and a warm
 * function on every invocation.
 */
public final class TrustedRoots {
    private record Loaded(long size, FileTime modified, SSLSocketFactory factory) {
        /** Whether it was loaded from the file as it is now. */
        boolean current(BasicFileAttributes file) {
            return size == file.size() && modified.equals(file.lastModifiedTime());
        }
    }

    private static final Map<Path, Loaded> LOADED = new ConcurrentHashMap<>();

    private TrustedRoots() {
    }

    /**
     * @return a factory whose sockets trust exactly the certificates of {@code bundle}, the same one for as long as the
     *         file is unchanged
     * @throws java.security.cert.CertificateException when the file holds no certificate or a malformed one
     * @throws IOException          when the file cannot be read
     */
    public static SSLSocketFactory socketFactory(Path bundle) throws IOException, GeneralSecurityException {
        Path key = bundle.toAbsolutePath().normalize();
        BasicFileAttributes file = Files.readAttributes(key, BasicFileAttributes.class);
        Loaded loaded = LOADED.get(key);
        if (loaded != null && loaded.current(file)) {
            return loaded.factory();
        }
        synchronized (TrustedRoots.class) {
            loaded = LOADED.get(key);
            if (loaded != null && loaded.current(file)) {
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
            return loaded != null && loaded.current(file);
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLSocketFactory load(Path bundle) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new CaBundleTrustManager(CaBundle.read(bundle))}, null);
        return context.getSocketFactory();
    }
}
