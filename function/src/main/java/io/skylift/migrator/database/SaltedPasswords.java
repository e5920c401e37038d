package io.skylift.migrator.database;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.SecretKeyFactorySpi;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps the SCRAM "salted password" of a warm function's logins. For every connection pgjdbc derives it anew from the
 * password and the server's salt and iteration count (PBKDF2-HMAC-SHA256, 4,096 rounds: measured as the largest cost
 * of a warm no-op, above the TLS handshake, with Lambda's C1-only JIT); the server's salt and count stay the same
 * until the role's password changes, so the result does too.
 *
 * <p>pgjdbc has no hook for it, but derives the key through the JCA ({@code SecretKeyFactory
 * "PBKDF2WithHmacSHA256"}): {@link #install()} puts a provider of that one algorithm first, which answers a derivation
 * it has made before from memory and hands every other to the JDK's own. It remembers the last
 * {@value #REMEMBERED} derivations, keyed by a SHA-256 of password, salt, count and length (a changed password or a
 * new salt is a new key), for the life of the JVM: no longer than the password itself, which the secret cache holds.
 */
public final class SaltedPasswords {
    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int REMEMBERED = 8;
    private static final Map<ByteBuffer, byte[]> DERIVED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
            return size() > REMEMBERED;
        }
    };
    private static final AtomicLong DERIVATIONS = new AtomicLong();
    private static volatile boolean installed;

    private SaltedPasswords() {
    }

    /**
     * Makes this the JVM's first provider of {@value #ALGORITHM} (once; later calls do nothing). Inserting a provider
     * makes the JDK load every configured provider (about 60-100 ms of CPU in a cold JVM), and only the second login
     * of a JVM gains: call it off the first invocation's path ({@code StartupWarmUp} does).
     */
    public static synchronized void install() {
        if (!installed) {
            Security.insertProviderAt(new RememberingProvider(), 1);
            installed = true;
        }
    }

    /** Whether {@link #install()} ran. */
    public static boolean installed() {
        return installed;
    }

    /** How many derivations were computed (not answered from memory) since the JVM started; for tests. */
    static long derivations() {
        return DERIVATIONS.get();
    }

    private static final class RememberingProvider extends Provider {
        RememberingProvider() {
            super("SkyliftSaltedPasswords", "1", "PBKDF2-HMAC-SHA256 results of a warm function's SCRAM logins");
            putService(new Service(this, "SecretKeyFactory", ALGORITHM, RememberingFactory.class.getName(), null,
                    null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new RememberingFactory();
                }
            });
        }
    }

    /** Answers repeated derivations from memory; everything else goes to the JDK's provider of the algorithm. */
    static final class RememberingFactory extends SecretKeyFactorySpi {
        private final SecretKeyFactory jdk;

        RememberingFactory() {
            try {
                jdk = SecretKeyFactory.getInstance(ALGORITHM, "SunJCE");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
            }
        }

        @Override
        protected SecretKey engineGenerateSecret(KeySpec keySpec) throws InvalidKeySpecException {
            if (!(keySpec instanceof PBEKeySpec pbe) || pbe.getSalt() == null || pbe.getPassword() == null) {
                return jdk.generateSecret(keySpec);
            }
            ByteBuffer key = ByteBuffer.wrap(fingerprint(pbe));
            byte[] known;
            synchronized (DERIVED) {
                known = DERIVED.get(key);
            }
            if (known == null) {
                SecretKey derived = jdk.generateSecret(keySpec);
                known = derived.getEncoded();
                DERIVATIONS.incrementAndGet();
                synchronized (DERIVED) {
                    DERIVED.put(key, known);
                }
            }
            return new SecretKeySpec(known, ALGORITHM);
        }

        @Override
        protected KeySpec engineGetKeySpec(SecretKey key, Class<?> keySpec) throws InvalidKeySpecException {
            return jdk.getKeySpec(key, keySpec);
        }

        @Override
        protected SecretKey engineTranslateKey(SecretKey key) throws InvalidKeyException {
            return jdk.translateKey(key);
        }

        private static byte[] fingerprint(PBEKeySpec pbe) {
            char[] password = pbe.getPassword();
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
                digest.update(encoded.duplicate());
                Arrays.fill(encoded.array(), (byte) 0);
                digest.update((byte) 0);
                digest.update(pbe.getSalt());
                digest.update(ByteBuffer.allocate(8).putInt(pbe.getIterationCount()).putInt(pbe.getKeyLength())
                        .array());
                return digest.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }
}
