package io.skylift.migrator.migration;

import static io.skylift.migrator.database.RoleStatements.execute;

import io.skylift.migrator.config.IamAuthentication;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.RoleStatements;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigrationFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the IAM migration role ({@value Settings#IAM_USER_VARIABLE}) able to log in and migrate, on a connection as
 * the master user, which the function opens only when the role's IAM login failed: created once ({@code CREATE ROLE
 * ... LOGIN}, no password), {@code rds_iam} granted (Amazon RDS then takes only IAM tokens for it), CONNECT and
 * CREATE on the database, and the owner of the schemas Flyway manages and of what the master user owns in them
 * (the schema history included), so migrations written for the master user keep working. A schema the master user
 * does not own (PostgreSQL 15's {@code public}, owned by {@code pg_database_owner}) is not taken from its owner: the
 * role gets USAGE and CREATE on it. Every step is idempotent; a second run changes nothing.
 *
 * <p>Never given to a role that could do more: an existing role must already be a member of {@code rds_iam} (one
 * without it may be an application's password login, which {@code rds_iam} would end) and nothing beyond LOGIN
 * (superuser, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS, the master user itself, a member of any other role).
 * Names are quoted by the server ({@code format('%I')}), and {@link IamAuthentication} allows only plain lower-case
 * names in the first place.
 */
public final class MigrationRole {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRole.class);
    /** Amazon RDS's role for IAM database authentication: its members log in with tokens only. */
    public static final String RDS_IAM = "rds_iam";

    private final String role;
    private final List<String> configuredSchemas;

    /**
     * @param configuredSchemas the schemas Flyway manages as configured; empty = the master connection's current
     *                          schema, as Flyway does
     */
    MigrationRole(String role, List<String> configuredSchemas) {
        this.role = Objects.requireNonNull(role, "role must not be null");
        this.configuredSchemas = List.copyOf(configuredSchemas);
    }

    /** The migration role of {@code settings}, which must have IAM authentication. */
    public static MigrationRole forSettings(Settings settings) {
        Objects.requireNonNull(settings.iamAuthentication(), "settings must have IAM authentication");
        return new MigrationRole(settings.iamAuthentication().role(),
                ManagedSchemas.configured(settings.flywayEnvironment()));
    }

    public String role() {
        return role;
    }

    /**
     * Creates the role when missing and gives it what migrating needs, in autocommit on {@code master} (a user that
     * may create roles and owns the database's schemas, as Aurora's master user does).
     *
     * @throws MigrationFailedException naming the role and what is wrong with it, or the database's error
     */
    public void ensure(Connection master) {
        try {
            if (RoleStatements.exists(master, role)) {
                refuseAnUnexpectedRole(master);
            } else {
                execute(master, "CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                        + " NOBYPASSRLS", role);
                LOG.info("Created the migration role {} for IAM database authentication", role);
            }
            if (!RoleStatements.exists(master, RDS_IAM)) {
                throw new MigrationFailedException(ErrorCode.MIGRATION_ROLE, "The database has no role " + RDS_IAM
                        + ": IAM database authentication is a feature of Amazon RDS and Aurora; against another"
                        + " PostgreSQL unset " + Settings.IAM_USER_VARIABLE + " and log in with the secret's password");
            }
            execute(master, "GRANT %I TO %I", RDS_IAM, role);
            // The master user may then act as the role: ALTER ... OWNER TO needs it, and the master keeps its hand on
            // everything the role will own.
            execute(master, "GRANT %I TO CURRENT_USER", role);
            execute(master, "GRANT CONNECT, CREATE ON DATABASE %I TO %I", currentDatabase(master), role);
            for (String schema : schemas(master)) {
                handOver(master, schema);
            }
        } catch (SQLException e) {
            throw new MigrationFailedException(ErrorCode.MIGRATION_ROLE, "The migration role '" + role + "' could not"
                    + " be set up with the master secret: " + e.getMessage() + " (SQL state " + e.getSQLState()
                    + "). The master user must be able to create roles and own the schemas Flyway manages (Aurora's"
                    + " master user can).");
        }
    }

    private void refuseAnUnexpectedRole(Connection master) throws SQLException {
        List<String> beyond = RoleStatements.beyondLogin(master, role, Set.of(RDS_IAM), true);
        if (!beyond.isEmpty()) {
            throw new MigrationFailedException(ErrorCode.MIGRATION_ROLE, "The migration role '" + role + "' ("
                    + Settings.IAM_USER_VARIABLE + ") already exists with more than LOGIN (" + String.join(", ", beyond)
                    + "): a token-signing function must not log in as a role that can do more than own the schemas it"
                    + " migrates. Name a role of its own in " + Settings.IAM_USER_VARIABLE + ".");
        }
        try (PreparedStatement query = master.prepareStatement("SELECT pg_has_role(?, ?, 'MEMBER')")) {
            query.setString(1, role);
            query.setString(2, RDS_IAM);
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next() && !rs.getBoolean(1)) {
                    throw new MigrationFailedException(ErrorCode.MIGRATION_ROLE, "The migration role '" + role
                            + "' (" + Settings.IAM_USER_VARIABLE + ") already exists and is not a member of " + RDS_IAM
                            + ": it may be another user's password login, which " + RDS_IAM + " would end. Name a"
                            + " role of its own in " + Settings.IAM_USER_VARIABLE + ", or run GRANT " + RDS_IAM
                            + " TO " + role + " yourself if it is meant for this.");
                }
            }
        }
    }

    /** The schema becomes the role's, with what the master user owns in it; another owner's schema is shared. */
    private void handOver(Connection master, String schema) throws SQLException {
        String owner = schemaOwner(master, schema);
        if (owner == null) {
            execute(master, "CREATE SCHEMA %I AUTHORIZATION %I", schema, role);
            return;
        }
        if (owner.equals(currentUser(master))) {
            execute(master, "ALTER SCHEMA %I OWNER TO %I", schema, role);
        } else if (!owner.equals(role)) {
            execute(master, "GRANT USAGE, CREATE ON SCHEMA %I TO %I", schema, role);
        }
        for (String statement : ownerChanges(master, schema)) {
            try (Statement alter = master.createStatement()) {
                alter.execute(statement);
            }
        }
    }

    /**
     * {@code ALTER ... OWNER TO} the role for what the master user owns in {@code schema}: tables, views,
     * materialized views, sequences not owned by a column (those follow their table), foreign tables, routines, and
     * enum, range, composite and domain types; nothing an extension owns. The server writes each statement, its
     * names quoted ({@code regclass}, {@code regprocedure}, {@code regtype} and {@code %I}).
     */
    private List<String> ownerChanges(Connection master, String schema) throws SQLException {
        String sql = """
                WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
                     ns AS (SELECT oid FROM pg_namespace WHERE nspname = ?)
                SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'v' THEN 'VIEW'
                        WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                        ELSE 'TABLE' END, c.oid::regclass, ?)
                  FROM pg_class c
                 WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relowner = (SELECT oid FROM me)
                   AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                   AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
                UNION ALL
                SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, ?)
                  FROM pg_proc p
                 WHERE p.pronamespace = (SELECT oid FROM ns) AND p.proowner = (SELECT oid FROM me)
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                   AND d.objid = p.oid AND d.deptype = 'e')
                UNION ALL
                SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                        t.oid::regtype, ?)
                  FROM pg_type t
                 WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typowner = (SELECT oid FROM me)
                   AND (t.typtype IN ('e', 'r', 'd')
                        OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                                   AND d.objid = t.oid AND d.deptype = 'e')
                """;
        List<String> statements = new ArrayList<>();
        try (PreparedStatement query = master.prepareStatement(sql)) {
            query.setString(1, schema);
            query.setString(2, role);
            query.setString(3, role);
            query.setString(4, role);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
        }
        return statements;
    }

    private List<String> schemas(Connection master) throws SQLException {
        if (!configuredSchemas.isEmpty()) {
            return configuredSchemas;
        }
        try (Statement statement = master.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
            return rs.next() && rs.getString(1) != null ? List.of(rs.getString(1)) : List.of();
        }
    }

    /** The schema's owner, null when it does not exist. */
    private static String schemaOwner(Connection master, String schema) throws SQLException {
        try (PreparedStatement query = master.prepareStatement(
                "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String currentUser(Connection master) throws SQLException {
        return single(master, "SELECT current_user");
    }

    private static String currentDatabase(Connection master) throws SQLException {
        return single(master, "SELECT current_database()");
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public String toString() {
        return "MigrationRole[" + role + ", schemas=" + configuredSchemas + "]";
    }
}
