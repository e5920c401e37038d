package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA bundle is parsed once per file, not once per connection, and read again when the file changes. */
class TrustedRootsTest {
    @TempDir
    Path dir;

    @Test
    void a_bundle_is_parsed_once_and_its_factory_reused_while_the_file_is_unchanged() throws Exception {
        Path bundle = TestCertificateAuthority.create("Reused CA").writeCertificate(dir.resolve("bundle.pem"));

        var first = TrustedRoots.socketFactory(bundle);
        var second = TrustedRoots.socketFactory(dir.resolve("./bundle.pem"));

        assertThat(second).as("the same factory, the bundle not read again").isSameAs(first);
    }

    @Test
    void a_changed_bundle_is_read_again() throws Exception {
        Path bundle = TestCertificateAuthority.create("First CA").writeCertificate(dir.resolve("bundle.pem"));
        var before = TrustedRoots.socketFactory(bundle);

        TestCertificateAuthority.create("Second CA").writeCertificate(bundle);
        Files.setLastModifiedTime(bundle, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(TrustedRoots.socketFactory(bundle)).isNotSameAs(before);
    }

    @Test
    void a_file_without_a_certificate_is_refused_naming_it() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");

        assertThatThrownBy(() -> TrustedRoots.socketFactory(garbage)).isInstanceOf(CertificateException.class);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TrustedRoots.socketFactory(empty)).isInstanceOf(CertificateException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("no PEM certificate");
    }
}
