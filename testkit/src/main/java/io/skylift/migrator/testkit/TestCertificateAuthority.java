package io.skylift.migrator.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one test run, standing in for Amazon RDS's: the test PostgreSQL serves a
 * certificate it issued, and clients verify it with {@code sslmode=verify-full} against its certificate file, as the
 * migrator verifies Aurora's against the RDS CA bundle. Keys are EC P-256 (fast to make), or RSA 2048 with
 * {@code -D}{@value #KEYS_PROPERTY}{@code =rsa}, what Aurora's default CA ({@code rds-ca-rsa2048-g1}) and its server
 * certificates use (the benchmark: verifying them costs a client other work than EC keys); nothing is cached across
 * runs, so no test depends on a certificate some earlier run left behind.
 */
public final class TestCertificateAuthority {

    /** {@code ec} (the default) or {@code rsa}: the key type of the CA and the server certificates. */
    public static final String KEYS_PROPERTY = "skylift.testkit.tls.keys";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean RSA = "rsa".equalsIgnoreCase(System.getProperty(KEYS_PROPERTY, "ec"));
    private static final Duration VALIDITY = Duration.ofDays(2);

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificateAuthority(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed root CA whose subject is {@code CN=<commonName>, O=Skylift test kit}. */
    public static TestCertificateAuthority create(String commonName) {
        Objects.requireNonNull(commonName, "commonName must not be null");
        try {
            KeyPair keys = newKeyPair();
            X500Name subject = new X500Name("CN=" + commonName + ", O=Skylift test kit");
            Instant now = Instant.now();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new TestCertificateAuthority(commonName, keys, sign(builder.build(signer(keys))));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the test CA " + commonName, e);
        }
    }

    /** The CA's own certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Writes the CA's certificate as PEM (what {@code sslrootcert} and {@code DB_SSL_ROOT_CERT} take).
     *
     * @return {@code file}
     */
    public Path writeCertificate(Path file) {
        try {
            write(file, pem(certificate), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * Issues a server certificate for the given DNS names and IP addresses (subject alternative names; the first name
     * is also the common name) and writes it and its private key (PKCS#8 PEM, readable by the owner only, as
     * PostgreSQL demands) to the two files.
     */
    public void issueServerCertificate(List<String> dnsNames, List<String> ipAddresses, Path certificateFile,
                                       Path keyFile) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        try {
            KeyPair serverKeys = newKeyPair();
            Instant now = Instant.now();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    new X500Name("CN=" + commonName + ", O=Skylift test kit"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
            write(certificateFile, pem(sign(builder.build(signer(keys)))), false);
            write(keyFile, pem(serverKeys.getPrivate()), true);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a server certificate from the test CA " + name, e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority[" + certificate.getSubjectX500Principal() + "]";
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        if (RSA) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static org.bouncycastle.operator.ContentSigner signer(KeyPair keys) throws OperatorCreationException {
        return new JcaContentSignerBuilder(RSA ? "SHA256withRSA" : "SHA256withECDSA").build(keys.getPrivate());
    }

    private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof java.security.PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        return text.toString();
    }

    private static void write(Path file, String content, boolean ownerOnly) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.US_ASCII);
            if (ownerOnly && Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
