package io.skylift.migrator.cloudformation;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which {@code ResponseURL}s the function PUTs to. CloudFormation's are pre-signed HTTPS URLs on Amazon S3; anyone
 * who may invoke the function can send an event, so any other URL is refused: the function must not be made to
 * PUT to whatever its network reaches (an internal service, the instance metadata endpoint). Loopback addresses are
 * allowed, over HTTP too, for local runs and tests.
 *
 * <p>S3's hosts: {@code s3.amazonaws.com}, {@code s3.<region>.amazonaws.com}, {@code s3-<region>.amazonaws.com},
 * {@code s3-external-1}, the {@code dualstack} and {@code fips} forms, each optionally after a bucket
 * ({@code <bucket>.s3.<region>.amazonaws.com}), and the same under {@code amazonaws.com.cn}.
 */
final class ResponseUrlPolicy {
    private static final String REGION = "[a-z]{2}(?:-[a-z]+)+-[0-9]+";
    private static final Pattern S3_HOST = Pattern.compile("(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\\.)?"
            + "s3(?:-external-1|(?:-fips)?(?:\\.dualstack)?[.-]" + REGION + ")?\\.amazonaws\\.com(?:\\.cn)?");

    private ResponseUrlPolicy() {
    }

    /** @return why {@code url} is refused, naming what is accepted; empty when the answer may be PUT there */
    public static Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("the ResponseURL is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            return Optional.of("the ResponseURL carries user information");
        }
        if ((scheme.equals("http") || scheme.equals("https")) && isLoopback(host)) {
            return Optional.empty();
        }
        if (!scheme.equals("https")) {
            return Optional.of("the ResponseURL's scheme is '" + scheme + "': CloudFormation's are https");
        }
        if (!S3_HOST.matcher(host).matches() || (uri.getPort() != -1 && uri.getPort() != 443)) {
            return Optional.of("the ResponseURL's host '" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                    + "' is not Amazon S3's (CloudFormation's ResponseURL is a pre-signed S3 URL)");
        }
        return Optional.empty();
    }

    /** {@code localhost} and loopback literals only; no name is resolved. */
    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-f:]+")) {
            return false; // not an IP literal: never resolve a name here
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
