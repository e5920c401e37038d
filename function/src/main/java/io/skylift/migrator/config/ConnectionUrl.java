package io.skylift.migrator.config;

import io.skylift.migrator.failure.ConfigurationException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The PostgreSQL JDBC URL, built from a host, a port and a database name, and the rule that nothing in a URL may
 * decide TLS. The driver lets a URL's parameters win over the connection properties the function sets, so a
 * {@code FLYWAY_URL} (or a secret's {@code dbname}) carrying {@code ?sslmode=disable} or a trusting
 * {@code sslfactory} would silently defeat {@code DB_SSL_MODE=verify-full}: such a parameter is refused, by name,
 * never by value (a URL may carry a password).
 */
public final class ConnectionUrl {
    /**
     * Parameters that decide whether and how TLS is used: every {@code ssl*} one ({@code sslmode}, {@code sslfactory},
     * {@code sslrootcert}, {@code sslhostnameverifier}, …), plus a socket factory (any socket at all), GSS encryption
     * (instead of TLS) and a service file entry (which may set any of them).
     */
    private static final Set<String> TLS_PARAMETERS_BESIDE_SSL =
            Set.of("socketfactory", "socketfactoryarg", "gssencmode", "service");
    /** What a host name or an IP literal (bracketed or not) never holds, but a URL's structure does. */
    private static final Pattern NOT_A_HOST = Pattern.compile("[/?#&@,;=\\s\\\\]");

    private ConnectionUrl() {
    }

    /**
     * {@code jdbc:postgresql://host:port/database}; the database name is URL-encoded (the driver decodes it), so
     * whatever it holds stays one database name.
     *
     * @param hostSource   where {@code host} came from, for messages ({@code DB_HOST}, {@code The 'host' of secret …})
     * @param dbnameSource where {@code dbname} came from, for messages
     * @throws ConfigurationException when the host or the database name carries URL parameters, naming them
     */
    public static String build(String host, String hostSource, int port, String dbname, String dbnameSource) {
        checkHost(host, hostSource);
        checkDatabaseName(dbname, dbnameSource);
        String hostForUrl = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostForUrl + ":" + port + "/"
                + URLEncoder.encode(dbname, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Refuses a URL whose parameters would override {@code DB_SSL_MODE}/{@code DB_SSL_ROOT_CERT}.
     *
     * @param source what holds the URL, for the message ({@code FLYWAY_URL})
     * @throws ConfigurationException naming the parameters (not their values) and what to use instead
     */
    public static void refuseTlsParameters(String url, String source) {
        int query = url.indexOf('?');
        if (query >= 0) {
            refuseTls(parameterNames(url.substring(query + 1)), source);
        }
    }

    /** A host name as {@code DB_HOST} or a secret's {@code host} holds it: no parameters, no path. */
    static void checkHost(String host, String source) {
        refuseTlsParameters(host, source);
        if (NOT_A_HOST.matcher(host).find() || host.isEmpty()) {
            throw new ConfigurationException(source + " is not a host name: '" + host + "'. Set it to the database's "
                    + "endpoint alone (for Aurora the cluster endpoint, such as "
                    + "shop.cluster-abc123.eu-west-1.rds.amazonaws.com), without port, path or parameters");
        }
    }

    /** A database name as {@code DB_NAME} or a secret's {@code dbname} holds it: no parameters. */
    static void checkDatabaseName(String dbname, String source) {
        int query = dbname.indexOf('?');
        if (query < 0) {
            return;
        }
        List<String> names = parameterNames(dbname.substring(query + 1));
        refuseTls(names, source);
        throw new ConfigurationException(source + " carries URL parameters (" + String.join(", ", names)
                + "): it must be the database's name alone");
    }

    private static void refuseTls(List<String> names, String source) {
        Set<String> tls = new LinkedHashSet<>();
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ssl") || TLS_PARAMETERS_BESIDE_SSL.contains(lower)) {
                tls.add(name);
            }
        }
        if (!tls.isEmpty()) {
            throw new ConfigurationException(source + " carries the TLS parameter" + (tls.size() == 1 ? " " : "s ")
                    + String.join(", ", tls) + ": the driver would let it override how the server's certificate is "
                    + "checked. Remove it; use DB_SSL_MODE and DB_SSL_ROOT_CERT instead (default: verify-full against "
                    + "Amazon RDS's CA bundle in the image)");
        }
    }

    /** The parameter names of a URL's query, split as the PostgreSQL driver splits them. */
    private static List<String> parameterNames(String query) {
        List<String> names = new ArrayList<>();
        for (String token : query.split("&")) {
            int equals = token.indexOf('=');
            String name = (equals < 0 ? token : token.substring(0, equals)).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }
}
