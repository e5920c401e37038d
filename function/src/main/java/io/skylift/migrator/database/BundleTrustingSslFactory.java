package io.skylift.migrator.database;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Properties;
import org.postgresql.ssl.WrappedFactory;

/**
 * pgjdbc's {@code sslfactory} for the verifying modes: trusts the CAs of {@code sslrootcert}, parsed once per bundle
 * ({@link TrustedRoots}) instead of once per connection. The host name is still checked by pgjdbc after the handshake
 * ({@code verify-full}), whatever factory made the socket. No client certificate is offered (Aurora's master user
 * authenticates with its password).
 */
public final class BundleTrustingSslFactory extends WrappedFactory {
    /** pgjdbc calls it with the connection's properties. */
    public BundleTrustingSslFactory(Properties info) throws IOException, GeneralSecurityException {
        String bundle = info.getProperty("sslrootcert");
        if (bundle == null || bundle.isBlank()) {
            throw new GeneralSecurityException("sslrootcert is not set: the CA bundle to trust is unknown");
        }
        factory = TrustedRoots.socketFactory(Path.of(bundle));
    }
}
