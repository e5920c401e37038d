package io.skylift.migrator.startup;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.DatabaseTarget;
import io.skylift.migrator.database.SaltedPasswords;
import io.skylift.migrator.database.TrustedRoots;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.DefaultTrust;
import io.skylift.migrator.secrets.SecretsManagerSource;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, while the function is being constructed (Lambda's init phase), the start-up work that every invocation that
 * migrates needs and that depends on nothing the event brings, on two background threads: it then runs while the
 * runtime fetches the event and the secret is read, instead of after them.
 * <ul>
 *   <li>the Secrets Manager client, the first thing an invocation needs (its SDK set-up; the JDK's trust store for its
 *       HTTPS, {@link DefaultTrust}, is loaded on the other thread meanwhile),
 *       and the secrets themselves (the database's and the placeholder secrets'), read together into the handler's
 *       secret cache rather than one after the other by the invocation;
 *   <li>the database's TLS: the CA bundle parsed into the socket factory ({@link TrustedRoots}), and a first P-256
 *       key pair, which the TLS client hello needs and for which the JDK first computes a table of 64 multiples of
 *       the curve's generator (about 100 ms of CPU in a cold JVM, measured with JFR);
 *   <li>the PostgreSQL driver's class initialisation, and {@link SaltedPasswords}, which spares a warm invocation's
 *       login the SCRAM key derivation (installing it costs more than the first login could gain).
 * </ul>
 * Best effort and never in the way: nothing here throws, blocks the constructor, or changes a result; an invocation
 * that comes first simply does the same work itself (or waits for a secret read under way rather than asking twice),
 * and reports any error the way it always did. A Delete, which needs no secret, may find the secrets read for nothing:
 * one call each, once per cold start.
 */
public final class StartupWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWarmUp.class);

    private StartupWarmUp() {
    }

    /**
     * @param environment the function's environment (the same the handler reads its settings from)
     * @param secrets     the handler's Secrets Manager source, whose client is built in the background
     * @param cache       the handler's secret cache, into which the settings' secrets are read
     * @return the threads started (tests wait for them)
     */
    public static List<Thread> start(Map<String, String> environment, SecretsManagerSource secrets,
                                     CachingSecretSource cache) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(environment);
        } catch (RuntimeException e) {
            // The invocation reports the configuration error; a Delete needs none of this.
            return List.of();
        }
        List<Thread> started = new ArrayList<>();
        started.add(secrets.buildClientInBackground());
        started.add(Thread.ofPlatform().daemon().name("skylift-warm-up-tls").start(() -> {
            DefaultTrust.load();
            prepareDatabase(settings);
        }));
        List<String> secretIds = new ArrayList<>();
        if (settings.secretId() != null) {
            secretIds.add(settings.secretId());
        }
        settings.placeholderSecrets().forEach(placeholder -> secretIds.add(placeholder.secretId()));
        started.addAll(cache.prefetch(secretIds));
        return started;
    }

    static void prepareDatabase(Settings settings) {
        if ("disable".equals(settings.sslMode())) {
            return;
        }
        try {
            if (settings.sslRootCert() != null && DatabaseTarget.verifiesCertificate(settings.sslMode())) {
                TrustedRoots.socketFactory(Path.of(settings.sslRootCert()));
            }
            KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
            p256.initialize(new ECGenParameterSpec("secp256r1"));
            p256.generateKeyPair();
            Class.forName("org.postgresql.Driver");
            SaltedPasswords.install();
        } catch (Exception | LinkageError e) {
            LOG.debug("TLS warm-up skipped: {}", e.toString());
        }
    }
}
