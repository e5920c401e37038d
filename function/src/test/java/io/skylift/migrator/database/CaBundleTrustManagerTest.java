package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database's CA bundle trusts what the JDK's PKIX trust manager over the whole bundle trusts, parsing only the
 * certificates a chain names as its issuers.
 */
class CaBundleTrustManagerTest {
    private static final String SERVER = "cluster.example.internal";

    @TempDir
    Path dir;

    @Test
    void a_chain_from_one_ca_of_a_large_bundle_is_trusted_and_only_that_ca_is_looked_at() throws Exception {
        TestCertificateAuthority issuer = TestCertificateAuthority.create("Cluster CA");
        X509Certificate[] chain = serverChain(issuer);
        CaBundle bundle = CaBundle.read(bundle("bundle.pem", otherCas(20), issuer));

        new CaBundleTrustManager(bundle).checkServerTrusted(chain, "UNKNOWN");

        assertThat(bundle.size()).isEqualTo(21);
        assertThat(bundle.issuersOf(chain).cardinality()).as("one certificate parsed, not 21").isEqualTo(1);
    }

    @Test
    void a_chain_from_a_ca_outside_the_bundle_is_refused() throws Exception {
        X509Certificate[] chain = serverChain(TestCertificateAuthority.create("Elsewhere CA"));
        CaBundle bundle = CaBundle.read(bundle("bundle.pem", otherCas(3)));

        assertThatThrownBy(() -> new CaBundleTrustManager(bundle).checkServerTrusted(chain, "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void a_ca_with_the_issuers_name_but_another_key_does_not_make_the_chain_trusted() throws Exception {
        TestCertificateAuthority real = TestCertificateAuthority.create("Same Name CA");
        TestCertificateAuthority impostor = TestCertificateAuthority.create("Same Name CA");
        X509Certificate[] chain = serverChain(real);

        CaBundle onlyImpostor = CaBundle.read(bundle("impostor.pem", otherCas(2), impostor));
        assertThat(onlyImpostor.issuersOf(chain).cardinality()).as("found by name").isEqualTo(1);
        assertThatThrownBy(() -> new CaBundleTrustManager(onlyImpostor).checkServerTrusted(chain, "UNKNOWN"))
                .isInstanceOf(CertificateException.class);

        CaBundle both = CaBundle.read(bundle("both.pem", List.of(impostor), real));
        new CaBundleTrustManager(both).checkServerTrusted(chain, "UNKNOWN");
    }

    @Test
    void a_malformed_certificate_in_the_bundle_is_named_by_its_place() throws Exception {
        Path good = TestCertificateAuthority.create("Good CA").writeCertificate(dir.resolve("good.pem"));
        Path broken = Files.writeString(dir.resolve("broken.pem"), Files.readString(good)
                + "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
        Path unterminated = Files.writeString(dir.resolve("unterminated.pem"),
                "-----BEGIN CERTIFICATE-----\nMIIB\n");

        assertThatThrownBy(() -> CaBundle.read(broken)).isInstanceOf(CertificateException.class)
                .hasMessageContaining("certificate 2 of the CA bundle " + broken);
        assertThatThrownBy(() -> CaBundle.read(unterminated)).isInstanceOf(CertificateException.class)
                .hasMessageContaining("without its END line");
    }

    @Test
    void client_certificates_are_never_trusted() throws Exception {
        TestCertificateAuthority issuer = TestCertificateAuthority.create("Cluster CA");
        CaBundleTrustManager manager = new CaBundleTrustManager(CaBundle.read(bundle("bundle.pem", List.of(), issuer)));

        assertThatThrownBy(() -> manager.checkClientTrusted(serverChain(issuer), "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
        assertThat(manager.getAcceptedIssuers()).isEmpty();
    }

    private X509Certificate[] serverChain(TestCertificateAuthority issuer) throws Exception {
        Path certificate = dir.resolve("server-" + System.nanoTime() + ".crt");
        issuer.issueServerCertificate(List.of(SERVER), List.of(), certificate, dir.resolve("server-" + System.nanoTime() + ".key"));
        try (InputStream in = Files.newInputStream(certificate)) {
            return new X509Certificate[] {(X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)};
        }
    }

    private List<TestCertificateAuthority> otherCas(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> TestCertificateAuthority.create("Other CA " + i)).toList();
    }

    private Path bundle(String name, List<TestCertificateAuthority> others, TestCertificateAuthority... more)
            throws Exception {
        StringBuilder pem = new StringBuilder();
        Path one = dir.resolve("one.pem");
        for (TestCertificateAuthority ca : others) {
            pem.append(Files.readString(ca.writeCertificate(one)));
        }
        for (TestCertificateAuthority ca : more) {
            pem.append(Files.readString(ca.writeCertificate(one)));
        }
        return Files.writeString(dir.resolve(name), pem);
    }
}
