package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RdsCaBundlesTest {
    @TempDir
    Path directory;

    @Test
    void each_region_gets_its_own_certificates_and_those_naming_no_region() throws Exception {
        Path global = directory.resolve("global-bundle.pem");
        StringBuilder pem = new StringBuilder();
        for (String name : List.of("Amazon RDS us-east-1 Root CA RSA2048 G1", "Amazon RDS eu-west-1 Root CA ECC384 G1",
                "Amazon RDS us-east-1 Root CA RSA4096 G1", "Amazon RDS us-gov-west-1 Root CA RSA2048 G1",
                "Amazon RDS Root 2019 CA")) {
            pem.append(Files.readString(TestCertificateAuthority.create(name)
                    .writeCertificate(directory.resolve("one.pem"))));
        }
        Files.writeString(global, pem);
        Path out = directory.resolve("rds-ca");

        RdsCaBundles.main(new String[] {global.toString(), out.toString()});

        assertThat(out.resolve("global-bundle.pem")).hasSameTextualContentAs(global);
        assertThat(subjects(out.resolve("us-east-1-bundle.pem"))).containsExactly(
                "Amazon RDS us-east-1 Root CA RSA2048 G1", "Amazon RDS us-east-1 Root CA RSA4096 G1",
                "Amazon RDS Root 2019 CA");
        assertThat(subjects(out.resolve("eu-west-1-bundle.pem"))).containsExactly(
                "Amazon RDS eu-west-1 Root CA ECC384 G1", "Amazon RDS Root 2019 CA");
        assertThat(subjects(out.resolve("us-gov-west-1-bundle.pem"))).containsExactly(
                "Amazon RDS us-gov-west-1 Root CA RSA2048 G1", "Amazon RDS Root 2019 CA");
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("global-bundle.pem",
                    "us-east-1-bundle.pem", "eu-west-1-bundle.pem", "us-gov-west-1-bundle.pem");
        }
    }

    private static List<String> subjects(Path bundle) throws Exception {
        try (InputStream in = Files.newInputStream(bundle)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> ((X509Certificate) c).getSubjectX500Principal().getName())
                    .map(name -> name.replaceFirst("^.*CN=([^,]+).*$", "$1")).toList();
        }
    }
}
