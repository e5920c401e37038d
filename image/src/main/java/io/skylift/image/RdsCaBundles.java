package io.skylift.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes Amazon RDS's regional CA bundles from its global one (run by the Dockerfile's {@code rds-ca} stage): the
 * function verifies its database against the bundle of its own region, a few certificates, instead of all regions'
 * (about 120, which every connection's trust check reads). One download of the bundle Amazon publishes for every
 * region, so the image holds each region's bundle, new regions included, without a list of regions to keep.
 *
 * <p>A certificate whose subject names a region ({@code CN=Amazon RDS eu-west-1 Root CA RSA2048 G1}) goes to that
 * region's bundle; one that names none (a root shared by every region) goes to every region's. The global bundle is
 * kept beside them, unchanged: the function falls back to it for a region that has no bundle of its own.
 *
 * <p>Usage: {@code RdsCaBundles <global bundle> <output folder>}; writes {@code <region>-bundle.pem} files and
 * {@code global-bundle.pem} there. Exits 1 when the bundle holds no certificate.
 */
public final class RdsCaBundles {
    private static final Pattern REGION = Pattern.compile("Amazon RDS ([a-z]{2}(?:-[a-z]+)+-\\d+) ");

    private RdsCaBundles() {
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        if (args.length != 2) {
            System.err.println("usage: RdsCaBundles <global bundle> <output folder>");
            System.exit(2);
        }
        Map<String, List<X509Certificate>> bundles = split(Path.of(args[0]));
        if (bundles.isEmpty()) {
            System.err.println(args[0] + " holds no certificate naming an Amazon RDS region; only it is kept");
        }
        write(Path.of(args[0]), Path.of(args[1]), bundles);
        System.out.println("RDS CA bundles for " + bundles.size() + " regions in " + args[1]);
    }

    /** The region's certificates (those naming it, then those naming no region), by region, in name order. */
    static Map<String, List<X509Certificate>> split(Path globalBundle) throws IOException, GeneralSecurityException {
        List<X509Certificate> shared = new ArrayList<>();
        Map<String, List<X509Certificate>> byRegion = new TreeMap<>();
        for (X509Certificate certificate : read(globalBundle)) {
            Optional<String> region = region(certificate);
            if (region.isPresent()) {
                byRegion.computeIfAbsent(region.get(), r -> new ArrayList<>()).add(certificate);
            } else {
                shared.add(certificate);
            }
        }
        byRegion.values().forEach(certificates -> certificates.addAll(shared));
        return byRegion;
    }

    static Optional<String> region(X509Certificate certificate) {
        Matcher matcher = REGION.matcher(certificate.getSubjectX500Principal().getName() + " ");
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static List<X509Certificate> read(Path bundle) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException(bundle + " holds no PEM certificate");
            }
            return certificates.stream().map(X509Certificate.class::cast).toList();
        }
    }

    private static void write(Path globalBundle, Path folder, Map<String, List<X509Certificate>> bundles)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(folder);
        Path global = folder.resolve("global-bundle.pem");
        if (!Files.exists(global) || !Files.isSameFile(global, globalBundle)) {
            Files.copy(globalBundle, global, StandardCopyOption.REPLACE_EXISTING);
        }
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, List<X509Certificate>> bundle : bundles.entrySet()) {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate certificate : bundle.getValue()) {
                pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
            Files.writeString(folder.resolve(bundle.getKey() + "-bundle.pem"), pem, StandardCharsets.US_ASCII);
        }
    }
}
