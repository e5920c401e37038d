package io.skylift.migrator.config;

import io.skylift.contract.EnvironmentVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import io.skylift.migrator.failure.ConfigurationException;

/**
 * The function's configuration, read once from the environment and validated at the edge.
 *
 * @param secretId         {@code DB_SECRET_ARN}: ARN or name of the RDS-form master secret; null only when
 *                         {@code FLYWAY_URL} and {@code FLYWAY_USER} give the database directly (local runs), or with
 *                         {@code DB_IAM_USER} (the migration role must then exist)
 * @param dbHost           {@code DB_HOST}: the database's endpoint, winning over the secret's {@code host}; null
 *                         when unset. With {@code DB_PORT} and {@code DB_NAME} set too, the secret needs only
 *                         {@code username} and {@code password} (all an RDS-managed master secret holds)
 * @param dbPort           {@code DB_PORT} (1-65535), winning over the secret's {@code port}; null when unset
 * @param dbName           {@code DB_NAME}, winning over the secret's {@code dbname}; null when unset
 * @param sslMode          {@code DB_SSL_MODE}, default {@code verify-full}: PostgreSQL JDBC {@code sslmode}; the server's
 *                         certificate must chain to {@code sslRootCert} and name the host connected to
 * @param sslRootCert      {@code DB_SSL_ROOT_CERT}, default the Amazon RDS CA bundle of the function's region,
 *                         {@code $LAMBDA_TASK_ROOT/rds-ca/<AWS_REGION>-bundle.pem}, when the image holds it, else
 *                         {@code $LAMBDA_TASK_ROOT/}{@value #RDS_CA_BUNDLE} (all regions'); null when neither the
 *                         variable nor {@code LAMBDA_TASK_ROOT} is set (the driver then looks in
 *                         {@code ~/.postgresql/root.crt})
 * @param connectTimeout   {@code DB_CONNECT_TIMEOUT_SECONDS}, default 10 s: one connection attempt
 * @param connectRetryWindow {@code DB_CONNECT_RETRY_WINDOW_SECONDS}, default 120 s: how long refused and timed-out
 *                         connections are retried (Aurora Serverless v2 resuming takes 15-30 s), never past the deadline
 * @param lockTimeout      {@code DB_LOCK_TIMEOUT_MS}, default 5 000 ms: PostgreSQL's {@code lock_timeout} on every
 *                         migration session, so a blocked DDL gives up before it queues the application for long
 * @param lockRetries      {@code DB_LOCK_RETRIES}, default 5: how often a transactional migration that hit the lock
 *                         timeout is tried again (with backoff and jitter, inside the deadline); 0 never retries
 * @param deadlineMargin   {@code DEADLINE_MARGIN_MS}, default 15 000 ms, at least {@value #MIN_DEADLINE_MARGIN_MS} ms:
 *                         the watchdog stops the work this long before Lambda's deadline, leaving time to roll back
 *                         and answer
 * @param secretCacheTtl   {@code SECRET_CACHE_TTL_SECONDS}, default 300 s: how long a warm function reuses a secret it
 *                         read (the master secret and the placeholder secrets); 0 reads them on every invocation
 * @param defaultLocation  where the image keeps {@code migrations/}: {@code filesystem:$LAMBDA_TASK_ROOT/migrations};
 *                         null when neither {@code LAMBDA_TASK_ROOT} nor {@code FLYWAY_LOCATIONS} is set
 * @param placeholderSecrets {@code PLACEHOLDER_SECRET_<NAME>=<secret>[#<json key>]} entries
 * @param flywayEnvironment the {@code FLYWAY_*} variables, passed to Flyway with Flyway's own names and meanings;
 *                         {@code FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK}, a setting Skylift controls, is refused
 * @param functionName     {@code AWS_LAMBDA_FUNCTION_NAME}, the metrics dimension; "local" outside Lambda
 * @param plannerSecretId  {@value #PLANNER_SECRET_VARIABLE}: ARN or name of the planner's secret (RDS JSON form), whose
 *                         read-only role a successful {@code migrate} creates or updates; null = no planner role kept
 * @param iamAuthentication {@value #IAM_USER_VARIABLE}: log in as this migration role with a signed IAM token instead
 *                         of the secret's password; null (the default) = the secret's user and password
 */
public record Settings(
        String secretId,
        String dbHost,
        Integer dbPort,
        String dbName,
        String sslMode,
        String sslRootCert,
        Duration connectTimeout,
        Duration connectRetryWindow,
        Duration lockTimeout,
        int lockRetries,
        Duration deadlineMargin,
        Duration secretCacheTtl,
        String defaultLocation,
        List<PlaceholderSecret> placeholderSecrets,
        Map<String, String> flywayEnvironment,
        String functionName,
        String plannerSecretId,
        IamAuthentication iamAuthentication) {

    public static final String SECRET_VARIABLE = EnvironmentVariables.DB_SECRET_ARN;
    /**
     * The deploy that configured this function: the construct sets it to the custom resource's {@code DeployId}, so an
     * Update whose old {@code DeployId} is this one and whose new one is not is CloudFormation rolling back.
     * Read by the handler without the rest of the settings: a rollback needs neither the secret nor the database.
     */
    public static final String DEPLOY_ID_VARIABLE = EnvironmentVariables.SKYLIFT_DEPLOY_ID;
    /** The commands this function accepts, comma-separated; unset: every command. See {@link AllowedCommands}. */
    public static final String COMMANDS_VARIABLE = EnvironmentVariables.SKYLIFT_COMMANDS;
    public static final String HOST_VARIABLE = EnvironmentVariables.DB_HOST;
    public static final String PORT_VARIABLE = EnvironmentVariables.DB_PORT;
    public static final String NAME_VARIABLE = EnvironmentVariables.DB_NAME;
    /**
     * The planner's secret, set on the migrator only (never on the planner): after each successful migrate the
     * migrator keeps the read-only role that secret names, with that secret's password.
     */
    public static final String PLANNER_SECRET_VARIABLE = EnvironmentVariables.PLANNER_SECRET_ARN;
    /**
     * The migration role to log in as with an IAM authentication token (see {@link IamAuthentication}); the master
     * secret ({@value #SECRET_VARIABLE}, then optional) is read only to create that role.
     */
    public static final String IAM_USER_VARIABLE = EnvironmentVariables.DB_IAM_USER;
    public static final String PLACEHOLDER_SECRET_PREFIX = EnvironmentVariables.PLACEHOLDER_SECRET_PREFIX;
    public static final String SSL_MODE_VARIABLE = "DB_SSL_MODE";
    public static final String SSL_ROOT_CERT_VARIABLE = "DB_SSL_ROOT_CERT";
    /** Where the Dockerfile puts Amazon RDS's CA bundle of all regions, relative to {@code LAMBDA_TASK_ROOT}. */
    public static final String RDS_CA_BUNDLE = "rds-ca/global-bundle.pem";
    /** A region's name as AWS spells it ({@code eu-west-1}, {@code us-gov-west-1}); anything else names no file. */
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
    public static final String DEFAULT_SSL_MODE = "verify-full";
    private static final String MASKED = "<masked>";
    /** {@code password=...} in a JDBC URL's parameters. */
    private static final java.util.regex.Pattern URL_PASSWORD =
            java.util.regex.Pattern.compile("(?i)([?&;]password=)[^&;]*");
    public static final String SECRET_CACHE_TTL_VARIABLE = "SECRET_CACHE_TTL_SECONDS";
    public static final String DEADLINE_MARGIN_VARIABLE = "DEADLINE_MARGIN_MS";
    public static final long DEFAULT_DEADLINE_MARGIN_MS = 15_000;
    /**
     * The least {@value #DEADLINE_MARGIN_VARIABLE}: after the work's deadline the watchdog lets a cancelled statement
     * roll back for a third of the margin and waits up to 500 ms for the connections to close, and the handler keeps
     * 500 ms after the answer's own deadline to return. What is left, two thirds of the margin less a second, must
     * give the PUT to CloudFormation at least a second: 3 000 ms.
     */
    public static final long MIN_DEADLINE_MARGIN_MS = 3_000;
    /** Five minutes: a no-op deploy rarely pays a Secrets Manager call, and a rotation is seen within minutes. */
    public static final long DEFAULT_SECRET_CACHE_TTL_SECONDS = 300;
    /**
     * {@code FLYWAY_*} variables of settings Skylift sets itself, each with why: refused by name, so that a value the
     * function would not honour never passes for one it does. (Flyway would also refuse this one, asking for
     * jackson-databind, which the function leaves out: it reads plugin settings from variables with Jackson.)
     */
    private static final Map<String, String> CONTROLLED_FLYWAY_VARIABLES = Map.of(
            "FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK", "Skylift sets Flyway's postgresql.transactional.lock to false: its"
                    + " lock is a session-level advisory lock, so a migration never holds a transaction open (a"
                    + " CREATE INDEX CONCURRENTLY in a non-transactional migration would wait for it forever)");
    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public Settings {
        Objects.requireNonNull(sslMode, "sslMode must not be null");
        Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
        Objects.requireNonNull(connectRetryWindow, "connectRetryWindow must not be null");
        Objects.requireNonNull(lockTimeout, "lockTimeout must not be null");
        Objects.requireNonNull(deadlineMargin, "deadlineMargin must not be null");
        Objects.requireNonNull(secretCacheTtl, "secretCacheTtl must not be null");
        placeholderSecrets = List.copyOf(placeholderSecrets);
        flywayEnvironment = Map.copyOf(flywayEnvironment);
        Objects.requireNonNull(functionName, "functionName must not be null");
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws ConfigurationException naming the variable that is wrong and what it should hold
     */
    public static Settings fromEnvironment(Map<String, String> env) {
        Map<String, String> flyway = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("FLYWAY_")) {
                flyway.put(name, value);
            }
        });
        CONTROLLED_FLYWAY_VARIABLES.forEach((name, why) -> {
            if (flyway.containsKey(name)) {
                throw new ConfigurationException(name + " is set: " + why + "; remove the variable");
            }
        });
        String secretId = blankToNull(env.get(SECRET_VARIABLE));
        IamAuthentication iam = IamAuthentication.fromEnvironment(env);
        if (secretId == null && iam == null
                && (flyway.get("FLYWAY_URL") == null || flyway.get("FLYWAY_USER") == null)) {
            throw new ConfigurationException(SECRET_VARIABLE + " is not set: set it to the ARN of the database's "
                    + "Secrets Manager secret (RDS JSON form: username, password, host, port, dbname)");
        }
        if (flyway.get("FLYWAY_URL") != null) {
            ConnectionUrl.refuseTlsParameters(flyway.get("FLYWAY_URL"), "FLYWAY_URL");
        }
        String dbHost = blankToNull(env.get(HOST_VARIABLE));
        if (dbHost != null) {
            ConnectionUrl.checkHost(dbHost, HOST_VARIABLE);
        }
        String dbName = blankToNull(env.get(NAME_VARIABLE));
        if (dbName != null) {
            ConnectionUrl.checkDatabaseName(dbName, NAME_VARIABLE);
        }
        Integer dbPort = blankToNull(env.get(PORT_VARIABLE)) == null ? null
                : (int) whole(env, PORT_VARIABLE, 0, 1, 65_535);
        String sslMode = env.getOrDefault(SSL_MODE_VARIABLE, DEFAULT_SSL_MODE).trim().toLowerCase(Locale.ROOT);
        if (!SSL_MODES.contains(sslMode)) {
            throw new ConfigurationException(SSL_MODE_VARIABLE + " is '" + sslMode + "': use one of "
                    + String.join(", ", new TreeSet<>(SSL_MODES)) + " (default " + DEFAULT_SSL_MODE + ")");
        }
        String taskRoot = blankToNull(env.get("LAMBDA_TASK_ROOT"));
        String root = taskRoot == null ? null : taskRoot.replaceAll("/+$", "");
        String defaultLocation = root == null ? null : "filesystem:" + root + "/migrations";
        String sslRootCert = blankToNull(env.get(SSL_ROOT_CERT_VARIABLE));
        if (sslRootCert == null && root != null) {
            sslRootCert = defaultCaBundle(root, blankToNull(env.get("AWS_REGION")));
        }
        if (defaultLocation == null && flyway.get("FLYWAY_LOCATIONS") == null) {
            throw new ConfigurationException("Neither LAMBDA_TASK_ROOT nor FLYWAY_LOCATIONS is set: "
                    + "set FLYWAY_LOCATIONS to where the migrations are (for example filesystem:migrations)");
        }
        return new Settings(
                secretId,
                dbHost,
                dbPort,
                dbName,
                sslMode,
                sslRootCert,
                Duration.ofSeconds(positive(env, "DB_CONNECT_TIMEOUT_SECONDS", 10)),
                Duration.ofSeconds(positive(env, "DB_CONNECT_RETRY_WINDOW_SECONDS", 120)),
                Duration.ofMillis(whole(env, "DB_LOCK_TIMEOUT_MS", 5_000, 1, 3_600_000)),
                (int) whole(env, "DB_LOCK_RETRIES", 5, 0, 100),
                Duration.ofMillis(deadlineMargin(env)),
                Duration.ofSeconds(wholeNumber(env, SECRET_CACHE_TTL_VARIABLE, DEFAULT_SECRET_CACHE_TTL_SECONDS, 0)),
                defaultLocation,
                PlaceholderSecret.fromEnvironment(env),
                flyway,
                env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"),
                blankToNull(env.get(PLANNER_SECRET_VARIABLE)),
                iam);
    }

    /**
     * Where the Dockerfile puts Amazon RDS's CA bundle of {@code region} ({@code rds-ca/eu-west-1-bundle.pem},
     * relative to {@code LAMBDA_TASK_ROOT}): a few certificates, where the bundle of all regions holds over a hundred
     * that every connection would read.
     */
    public static String regionalCaBundle(String region) {
        return "rds-ca/" + region + "-bundle.pem";
    }

    /** The bundle of the function's region when the image holds it, else the bundle of all regions. */
    private static String defaultCaBundle(String root, String region) {
        if (region != null && REGION.matcher(region).matches()) {
            Path regional = Path.of(root, regionalCaBundle(region));
            if (Files.isRegularFile(regional)) {
                return regional.toString();
            }
        }
        return root + "/" + RDS_CA_BUNDLE;
    }

    /**
     * Every setting, with the value of each {@code FLYWAY_*} variable that may hold a secret masked
     * ({@code FLYWAY_PASSWORD}, placeholders, anything named like a password, secret or token, and a password in
     * {@code FLYWAY_URL}), so settings can be logged or appear in an assertion message.
     */
    @Override
    public String toString() {
        Map<String, String> flyway = new TreeMap<>();
        flywayEnvironment.forEach((name, value) -> flyway.put(name, mayHoldSecret(name) ? MASKED
                : URL_PASSWORD.matcher(value).replaceAll("$1" + MASKED)));
        return "Settings[secretId=" + secretId + ", dbHost=" + dbHost + ", dbPort=" + dbPort + ", dbName=" + dbName
                + ", sslMode=" + sslMode + ", sslRootCert=" + sslRootCert
                + ", connectTimeout=" + connectTimeout + ", deadlineMargin=" + deadlineMargin + ", secretCacheTtl="
                + secretCacheTtl + ", defaultLocation=" + defaultLocation + ", placeholderSecrets=" + placeholderSecrets
                + ", flywayEnvironment=" + flyway + ", functionName=" + functionName + ", plannerSecretId="
                + plannerSecretId + ", iamAuthentication=" + iamAuthentication + "]";
    }

    private static boolean mayHoldSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.startsWith("FLYWAY_PLACEHOLDERS_") || upper.contains("PASSWORD") || upper.contains("SECRET")
                || upper.contains("TOKEN");
    }

    private static long deadlineMargin(Map<String, String> env) {
        String raw = blankToNull(env.get(DEADLINE_MARGIN_VARIABLE));
        long margin = wholeNumber(env, DEADLINE_MARGIN_VARIABLE, DEFAULT_DEADLINE_MARGIN_MS, 1);
        if (margin < MIN_DEADLINE_MARGIN_MS) {
            throw new ConfigurationException(DEADLINE_MARGIN_VARIABLE + " is '" + raw + "': it must be at least "
                    + MIN_DEADLINE_MARGIN_MS + " (ms), or the function stops its work too late to answer (a third of"
                    + " the margin goes to letting a cancelled statement roll back, a second to closing connections"
                    + " and returning); default " + DEFAULT_DEADLINE_MARGIN_MS);
        }
        return margin;
    }

    private static long positive(Map<String, String> env, String name, long defaultValue) {
        return wholeNumber(env, name, defaultValue, 1);
    }

    private static long wholeNumber(Map<String, String> env, String name, long defaultValue, long minimum) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= minimum) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigurationException(name + " is '" + raw + "': it must be "
                + (minimum > 0 ? "a positive whole number" : "a whole number, 0 or more"));
    }

    private static long whole(Map<String, String> env, String name, long defaultValue, long min, long max) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigurationException(name + " is '" + raw + "': it must be a whole number from " + min + " to " + max);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
