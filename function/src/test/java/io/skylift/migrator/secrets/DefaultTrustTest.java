package io.skylift.migrator.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Secrets Manager client's trust is the JDK's default trust, loaded once, ahead of or at the first handshake. */
class DefaultTrustTest {
    @Test
    void it_trusts_the_cas_the_jdks_default_trust_manager_trusts() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509TrustManager jdk = (X509TrustManager) factory.getTrustManagers()[0];

        DefaultTrust.load();
        X509TrustManager deferred = (X509TrustManager) DefaultTrust.managers()[0];

        assertThat(deferred.getAcceptedIssuers()).isNotEmpty().containsExactlyInAnyOrder(jdk.getAcceptedIssuers());
    }

    @Test
    void a_server_chain_from_an_unknown_ca_is_refused_as_the_jdk_refuses_it(@TempDir Path dir) throws Exception {
        Path certificate = dir.resolve("server.crt");
        TestCertificateAuthority.create("Not a public CA")
                .issueServerCertificate(List.of("secretsmanager.example"), List.of(), certificate, dir.resolve("server.key"));
        X509Certificate server;
        try (InputStream in = Files.newInputStream(certificate)) {
            server = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        X509TrustManager deferred = (X509TrustManager) DefaultTrust.managers()[0];

        assertThatThrownBy(() -> deferred.checkServerTrusted(new X509Certificate[] {server}, "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
    }
}
