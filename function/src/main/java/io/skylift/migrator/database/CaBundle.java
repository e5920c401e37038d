package io.skylift.migrator.database;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;

/**
 * The CA certificates of a PEM bundle, each kept as its DER bytes and found by the DER bytes of its subject name, so
 * that only the ones that can have issued a server's chain are ever parsed. Parsing all of Amazon RDS's global bundle
 * (about 120 certificates) takes 150-350 ms of CPU in a cold JVM with Lambda's C1-only JIT, measured: more than the
 * whole TLS handshake; the chain of one Aurora cluster names one or two of them.
 */
final class CaBundle {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private record Entry(byte[] subject, byte[] der) {
    }

    private final Path file;
    private final List<Entry> entries;

    private CaBundle(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /**
     * @throws CertificateException when the file holds no certificate, or one whose PEM or DER is malformed
     */
    static CaBundle read(Path file) throws IOException, CertificateException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        List<Entry> entries = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = pem.indexOf(BEGIN, from);
            if (begin < 0) {
                break;
            }
            int end = pem.indexOf(END, begin);
            if (end < 0) {
                throw new CertificateException("the CA bundle " + file + " has a certificate without its END line");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            } catch (IllegalArgumentException e) {
                throw new CertificateException("certificate " + (entries.size() + 1) + " of the CA bundle " + file
                        + " is not base64: " + e.getMessage());
            }
            entries.add(new Entry(subjectOf(der, entries.size() + 1, file), der));
            from = end + END.length();
        }
        if (entries.isEmpty()) {
            throw new CertificateException("the CA bundle " + file + " holds no PEM certificate");
        }
        return new CaBundle(file, List.copyOf(entries));
    }

    int size() {
        return entries.size();
    }

    /** Which of the bundle's certificates are named as the issuer of one of {@code chain}'s certificates. */
    BitSet issuersOf(X509Certificate[] chain) {
        BitSet found = new BitSet(entries.size());
        for (X509Certificate certificate : chain) {
            byte[] issuer = certificate.getIssuerX500Principal().getEncoded();
            for (int i = 0; i < entries.size(); i++) {
                if (Arrays.equals(entries.get(i).subject(), issuer)) {
                    found.set(i);
                }
            }
        }
        return found;
    }

    /** Parses the chosen certificates (all of them when {@code chosen} is null). */
    List<X509Certificate> certificates(BitSet chosen) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (chosen == null || chosen.get(i)) {
                certificates.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(entries.get(i).der())));
            }
        }
        return certificates;
    }

    @Override
    public String toString() {
        return "CaBundle[" + file + ", " + entries.size() + " certificates]";
    }

    /**
     * The subject name's DER (tag and length included) of a certificate, read by walking its outer structure:
     * Certificate = SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
     * validity, subject, ... }, ... } (RFC 5280, 4.1).
     */
    private static byte[] subjectOf(byte[] der, int number, Path file) throws CertificateException {
        try {
            int tbs = contentStart(der, 0, 0x30);
            int at = contentStart(der, tbs, 0x30);
            if ((der[at] & 0xff) == 0xa0) {
                at = next(der, at);
            }
            at = next(der, at); // serialNumber
            at = next(der, at); // signature
            at = next(der, at); // issuer
            at = next(der, at); // validity
            if ((der[at] & 0xff) != 0x30) {
                throw new CertificateException("no subject name");
            }
            return Arrays.copyOfRange(der, at, next(der, at));
        } catch (ArrayIndexOutOfBoundsException | CertificateException e) {
            throw new CertificateException("certificate " + number + " of the CA bundle " + file
                    + " is not a DER X.509 certificate", e);
        }
    }

    /** Where the content of the element at {@code at} starts; the element must have tag {@code tag}. */
    private static int contentStart(byte[] der, int at, int tag) throws CertificateException {
        if ((der[at] & 0xff) != tag) {
            throw new CertificateException("unexpected tag " + (der[at] & 0xff) + " at " + at);
        }
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? at + 2 : at + 2 + (first & 0x7f);
    }

    /** Where the element after the one at {@code at} starts. */
    private static int next(byte[] der, int at) throws CertificateException {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return at + 2 + first;
        }
        int octets = first & 0x7f;
        if (octets == 0 || octets > 3) {
            throw new CertificateException("unsupported length at " + at);
        }
        int length = 0;
        for (int i = 0; i < octets; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        int end = at + 2 + octets + length;
        if (end > der.length) {
            throw new CertificateException("element at " + at + " runs past the end");
        }
        return end;
    }
}
