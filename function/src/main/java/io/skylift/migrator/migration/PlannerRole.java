package io.skylift.migrator.migration;

import static io.skylift.migrator.database.RoleStatements.execute;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.RoleStatements;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigrationFailedException;
import io.skylift.migrator.secrets.DatabaseSecret;
import io.skylift.migrator.secrets.ScramVerifiers;
import io.skylift.migrator.secrets.SecretSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the planner's database role after a successful {@code migrate}: the LOGIN role named by the planner's secret
 * ({@value Settings#PLANNER_SECRET_VARIABLE}), its password that secret's, and read access to the schemas Flyway
 * manages (USAGE on each, SELECT on every table, the schema history and the drift reference beside it included),
 * nothing that writes.
 *
 * <p>The planner (the same image with {@code SKYLIFT_COMMANDS=plan,lint,info,validate,drift}) connects as this role,
 * so a plan that tried to write is refused by PostgreSQL's permissions, not by a session setting it could undo. Kept
 * after every migrate because a migration may add tables (each needs its SELECT) and the secret may have changed.
 *
 * <p>The password is set through a SCRAM-SHA-256 verifier ({@link ScramVerifiers#verifierOf}): PostgreSQL logs a
 * failing statement's text, and the plaintext is never in it. A role of that name that can do more than log in (a
 * superuser, one that creates roles or databases, replicates or bypasses row security, a member of another role, an
 * owner of tables or schemas, or the migrator's own) is
 * refused, never given the planner's password.
 *
 * <p>A warm function keeps the role once per planner secret value: a later migrate that applied nothing, with the same
 * secret, opens no connection for it (keeping it costs a connection and a few statements, which a warm no-op deploy
 * should not pay). A cold start (every deploy changes the function's {@code SKYLIFT_DEPLOY_ID}) and any migrate that
 * applied something keep it again.
 */
public final class PlannerRole {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerRole.class);

    private final String secretId;
    private final List<String> configuredSchemas;
    /** SHA-256 of the planner secret's string the role was last kept with in this JVM; null before. */
    private volatile String keptWith;

    /**
     * @param secretId          the planner's secret (RDS JSON form; {@code username} and {@code password} are used)
     * @param configuredSchemas the schemas Flyway manages as configured ({@code FLYWAY_DEFAULT_SCHEMA} first, then
     *                          {@code FLYWAY_SCHEMAS}); empty = the connection's current schema, as Flyway does
     */
    PlannerRole(String secretId, List<String> configuredSchemas) {
        this.secretId = Objects.requireNonNull(secretId, "secretId must not be null");
        this.configuredSchemas = List.copyOf(configuredSchemas);
    }

    /** The planner role to keep, when the settings name the planner's secret. */
    public static Optional<PlannerRole> forSettings(Settings settings) {
        if (settings.plannerSecretId() == null) {
            return Optional.empty();
        }
        return Optional.of(new PlannerRole(settings.plannerSecretId(),
                ManagedSchemas.configured(settings.flywayEnvironment())));
    }

    /**
     * Creates or updates the role and its grants, on a connection from {@code connections} (the migrator's, which must
     * be allowed to create roles, as Aurora's master user is), in autocommit; nothing when this JVM already kept it
     * with the same secret and {@code migrationsApplied} is false.
     *
     * @param migrationsApplied whether the migrate applied anything or stored a new drift reference (new tables need
     *                          their SELECT)
     * @throws MigrationFailedException naming the role and the database's error; never the password
     */
    public void keep(Supplier<Connection> connections, SecretSource secrets, boolean migrationsApplied) {
        String secretString = secrets.read(secretId);
        String fingerprint = sha256(secretString);
        if (!migrationsApplied && fingerprint.equals(keptWith)) {
            return;
        }
        DatabaseSecret planner = DatabaseSecret.parse(secretId, secretString);
        String role = planner.username();
        try (Connection connection = connections.get()) {
            refuseAPrivilegedRole(connection, role);
            List<String> schemas = schemas(connection);
            // A fresh salt each time, as PostgreSQL makes them; the plaintext stays in this JVM.
            String verifier = ScramVerifiers.verifierOf(planner.password());
            execute(connection, RoleStatements.exists(connection, role) ? "ALTER ROLE %I WITH LOGIN PASSWORD %L"
                    : "CREATE ROLE %I WITH LOGIN PASSWORD %L", role, verifier);
            // Defence in depth only (a session may SET it back): the grants below are what keep it from writing.
            execute(connection, "ALTER ROLE %I SET default_transaction_read_only = on", role);
            execute(connection, "GRANT CONNECT ON DATABASE %I TO %I", currentDatabase(connection), role);
            for (String schema : schemas) {
                execute(connection, "GRANT USAGE ON SCHEMA %I TO %I", schema, role);
                execute(connection, "GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I", schema, role);
                // Whatever was granted by hand before: the planner reads, never writes.
                execute(connection, "REVOKE CREATE ON SCHEMA %I FROM %I", schema, role);
                execute(connection, "REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN"
                        + " SCHEMA %I FROM %I", schema, role);
                warnIfPublicMayCreate(connection, role, schema);
            }
            keptWith = fingerprint;
        } catch (SQLException e) {
            throw new MigrationFailedException(ErrorCode.PLANNER_ROLE, "The migrations were applied, but the"
                    + " planner's role '" + role + "' (secret " + secretId + ") could not be kept: " + e.getMessage()
                    + " (SQL state " + e.getSQLState() + "). The migrator's user must be able to create roles and grant"
                    + " on the schemas it migrates (Aurora's master user can).");
        }
    }

    /** Checked before anything is changed: the planner's password must never be given to a role that does more. */
    private void refuseAPrivilegedRole(Connection connection, String role) throws SQLException {
        // Rights come with a membership (pg_write_all_data, an application's writer role) and with ownership too: the
        // REVOKEs below remove neither, so a role holding one is refused as well.
        List<String> beyond = RoleStatements.beyondLogin(connection, role, Set.of(), false);
        if (!beyond.isEmpty()) {
            throw new MigrationFailedException(ErrorCode.PLANNER_ROLE, "The planner's secret " + secretId
                    + " names the role '" + role + "', which already exists with more than LOGIN ("
                    + String.join(", ", beyond) + "): the planner must read only. Give the planner's secret a"
                    + " username of its own.");
        }
    }

    private List<String> schemas(Connection connection) throws SQLException {
        List<String> wanted = configuredSchemas;
        if (wanted.isEmpty()) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
                wanted = rs.next() && rs.getString(1) != null ? List.of(rs.getString(1)) : List.of();
            }
        }
        // Only those that exist: Flyway creates a configured schema at its first migrate, which may not have run yet.
        List<String> existing = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            for (String schema : wanted) {
                query.setString(1, schema);
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next()) {
                        existing.add(schema);
                    }
                }
            }
        }
        return existing;
    }

    private static String currentDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Before PostgreSQL 15 every role may CREATE in schema {@code public} (through PUBLIC), which a grant to one role
     * cannot take back: said in the log with the fix, not changed behind the application's back.
     */
    private static void warnIfPublicMayCreate(Connection connection, String role, String schema) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT has_schema_privilege(?, ?, 'CREATE')")) {
            query.setString(1, role);
            query.setString(2, schema);
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    LOG.warn("The planner's role " + role + " may CREATE in schema " + schema + " through PUBLIC's"
                            + " privilege (PostgreSQL before 15 grants it on public): run REVOKE CREATE ON SCHEMA "
                            + schema + " FROM PUBLIC if nothing relies on it");
                }
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "PlannerRole[secret=" + secretId + ", schemas=" + configuredSchemas + "]";
    }
}
