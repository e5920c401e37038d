package io.skylift.migrator.database;

import io.skylift.migrator.config.ConnectionUrl;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.failure.SecretReadException;
import io.skylift.migrator.secrets.DatabaseSecret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Where to connect and as whom. {@link #toString()} masks the password.
 *
 * @param jdbcUrl  without credentials
 * @param sslMode  PostgreSQL JDBC {@code sslmode}
 * @param sslRootCert CA bundle path, or null
 * @param lockTimeout PostgreSQL's {@code lock_timeout} for every session opened: a migration waiting for a lock
 *                    queues the application's queries on that table behind it, so it must give up soon
 */
public record DatabaseTarget(String jdbcUrl, String username, String password, String sslMode, String sslRootCert,
                             Duration lockTimeout) {

    public DatabaseTarget {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl must not be null");
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(sslMode, "sslMode must not be null");
        Objects.requireNonNull(lockTimeout, "lockTimeout must not be null");
    }

    /**
     * The database of {@code DB_HOST}/{@code DB_PORT}/{@code DB_NAME}, each winning over the secret's field, unless
     * {@code FLYWAY_URL} (and {@code FLYWAY_USER}/{@code FLYWAY_PASSWORD}) name another: Flyway's own variables win,
     * as operators expect. TLS always comes from {@code DB_SSL_MODE}/{@code DB_SSL_ROOT_CERT}: {@link Settings}
     * refused a {@code FLYWAY_URL}, {@code DB_HOST} or {@code DB_NAME} carrying TLS parameters, and the secret's
     * fields are held to the same rule here.
     *
     * @param secret null when the settings give the database without a secret
     * @throws SecretReadException    when neither the secret nor the variable gives the host, port or database
     *                                name, naming each missing field and its variable (never a value)
     * @throws ConfigurationException when the secret's host or database name carries URL parameters
     */
    public static DatabaseTarget of(Settings settings, DatabaseSecret secret) {
        var flyway = settings.flywayEnvironment();
        String url = flyway.get("FLYWAY_URL");
        if (url == null) {
            url = urlOf(settings, secret);
        }
        String user = flyway.getOrDefault("FLYWAY_USER", secret == null ? null : secret.username());
        String password = flyway.getOrDefault("FLYWAY_PASSWORD", secret == null ? null : secret.password());
        return new DatabaseTarget(url, user, password, settings.sslMode(), settings.sslRootCert(),
                settings.lockTimeout());
    }

    /**
     * The database of {@code DB_HOST}/{@code DB_PORT}/{@code DB_NAME} as the migration role of
     * {@code DB_IAM_USER}, without a password: its {@link PasswordSource} signs a token for each login.
     *
     * @throws IllegalArgumentException when the settings have no IAM authentication
     */
    public static DatabaseTarget asMigrationRole(Settings settings) {
        if (settings.iamAuthentication() == null) {
            throw new IllegalArgumentException(Settings.IAM_USER_VARIABLE + " is not set");
        }
        return new DatabaseTarget(urlOf(settings, null), settings.iamAuthentication().role(), null,
                settings.sslMode(), settings.sslRootCert(), settings.lockTimeout());
    }

    private static String urlOf(Settings settings, DatabaseSecret secret) {
        String host = settings.dbHost() != null ? settings.dbHost() : secret == null ? null : secret.host();
        Integer port = settings.dbPort() != null ? settings.dbPort() : secret == null ? null : secret.port();
        String dbname = settings.dbName() != null ? settings.dbName() : secret == null ? null : secret.dbname();
        List<String> missing = new ArrayList<>();
        if (host == null) {
            missing.add("'host' (or " + Settings.HOST_VARIABLE + ")");
        }
        if (port == null) {
            missing.add("'port' (or " + Settings.PORT_VARIABLE + ")");
        }
        if (dbname == null) {
            missing.add("'dbname' (or " + Settings.NAME_VARIABLE + ")");
        }
        if (!missing.isEmpty()) {
            throw new SecretReadException("Secret '" + settings.secretId() + "' lacks " + String.join(", ", missing)
                    + ": add the key(s) to the secret, or set the variable(s) to the database's endpoint (an "
                    + "RDS-managed master secret holds only username and password)");
        }
        String ofSecret = " of secret '" + settings.secretId() + "'";
        return ConnectionUrl.build(host, settings.dbHost() != null ? Settings.HOST_VARIABLE : "The 'host'" + ofSecret,
                port, dbname, settings.dbName() != null ? Settings.NAME_VARIABLE : "The 'dbname'" + ofSecret);
    }

    /** The {@code application_name} of every session the function opens, as operators see it in pg_stat_activity. */
    public static final String APPLICATION_NAME = "skylift-migrator";

    /**
     * How long a cancel request may take (pgjdbc sends it over a connection of its own, default 10 s): on a
     * black-holed network a longer one would only keep a thread busy after the answer.
     */
    static final int CANCEL_TIMEOUT_SECONDS = 2;

    /**
     * Connection properties for the PostgreSQL driver, credentials included ({@code password} of this login, null for
     * none). {@code connectTimeout} bounds the TCP
     * connect and {@code loginTimeout} the whole opening (TLS and authentication too), so a server that accepts and
     * then never answers cannot hold a connection attempt past the deadline. No {@code socketTimeout}: it would cut a
     * long migration statement; the watchdog stops those.
     */
    Properties connectionProperties(int connectTimeoutSeconds, String password) {
        Properties props = new Properties();
        props.setProperty("user", username);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("sslmode", sslMode);
        if (sslRootCert != null) {
            // pgjdbc's own factory (LibPQFactory) then trusts exactly the CAs of this file and, with verify-full,
            // checks the host name.
            props.setProperty("sslrootcert", sslRootCert);
        }
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        props.setProperty("loginTimeout", Integer.toString(connectTimeoutSeconds));
        props.setProperty("cancelSignalTimeout", Integer.toString(CANCEL_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("tcpKeepAlive", "true");
        // Set at connection start-up, so every session (Flyway's included) has it from its first statement on.
        props.setProperty("options", "-c lock_timeout=" + lockTimeout.toMillis());
        return props;
    }

    /** Whether the driver checks the server's certificate against {@link #sslRootCert()}. */
    boolean verifiesCertificate() {
        return sslMode.startsWith("verify-");
    }

    /** Whether a server without TLS is refused ({@code require} and the verifying modes). */
    boolean requiresTls() {
        return sslMode.equals("require") || verifiesCertificate();
    }

    /** {@code host:port} of the URL, for messages. */
    String hostAndPort() {
        String described = describe();
        int slash = described.indexOf('/');
        return slash < 0 ? described : described.substring(0, slash);
    }

    /** The host name or address of the URL, as the certificate must name it. */
    String host() {
        String hostAndPort = hostAndPort();
        if (hostAndPort.startsWith("[")) {
            return hostAndPort.substring(1, Math.max(1, hostAndPort.indexOf(']')));
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /** host:port/db for messages, without credentials. */
    public String describe() {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    @Override
    public String toString() {
        return "DatabaseTarget[" + describe() + ", user=" + username + ", password=<masked>, sslmode=" + sslMode + "]";
    }
}
