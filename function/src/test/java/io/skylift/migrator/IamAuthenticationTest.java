package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.database.PasswordSource;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.failure.AuthenticationFailedException;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigratorException;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.ScramVerifiers;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code DB_IAM_USER}: the migrator logs in as a migration role with a token and reads the master secret only to set
 * that role up. Everything but Amazon RDS's token check runs against a real PostgreSQL: {@code rds_iam} is a plain
 * role here, and {@link IamStandIn} plays RDS's part, letting a role in only when it is a member of {@code rds_iam}
 * (it gives the role a password of its own and hands that over as the "token").
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class IamAuthenticationTest {
    private static final DirectRequest MIGRATE = new DirectRequest(Command.MIGRATE, null, null);

    private MigratorFixture fixture;
    private String role;
    private final List<String> secretReads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(MigratorFixture fixture) throws SQLException {
        this.fixture = fixture;
        // Roles are cluster-wide: one per test database (the test kit drops <database>_* roles with it).
        role = fixture.database.databaseName() + "_migrator";
        try (Connection admin = fixture.database.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("DO $$ BEGIN CREATE ROLE rds_iam NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL;"
                    + " END $$");
            // Aurora's master user may grant rds_iam (through rds_superuser); the test's master user may too.
            statement.execute("GRANT rds_iam TO \"" + fixture.database.username() + "\" WITH ADMIN OPTION");
        }
        // The repository's V4 creates the application's role: that takes CREATEROLE, which the migration role lacks.
        fixture.removeMigration("V4__create_app_role.sql");
        fixture.environment.remove("PLACEHOLDER_SECRET_APP_PASSWORD");
        fixture.environment.put(Settings.IAM_USER_VARIABLE, role);
        fixture.environment.put(Settings.HOST_VARIABLE, fixture.database.host());
        fixture.environment.put(Settings.PORT_VARIABLE, Integer.toString(fixture.database.port()));
        fixture.environment.put(Settings.NAME_VARIABLE, fixture.database.databaseName());
        fixture.environment.put("AWS_REGION", "eu-west-1");
    }

    @Test
    void on_the_first_deploy_the_master_secret_creates_the_role_which_then_migrates_as_owner_of_what_it_made()
            throws SQLException {
        IamStandIn iam = new IamStandIn(fixture.database, role);

        MigrationReport report = migrator(iam).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));

        assertThat(report.success()).isTrue();
        assertThat(report.migrationsApplied()).isEqualTo(4);
        assertThat(secretReads).as("the master secret, read once to create the role").containsExactly(
                MigratorFixture.DB_SECRET);
        assertThat(roleFacts()).as("a LOGIN role that is a member of rds_iam and nothing more")
                .containsEntry("rolcanlogin", true).containsEntry("rolsuper", false)
                .containsEntry("rolcreaterole", false).containsEntry("rolcreatedb", false)
                .containsEntry("in_rds_iam", true);
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("installed_by")).containsOnly(role);
        assertThat(owners("flyway_schema_history", "customers", "orders", "order_statuses", "customer_order_totals"))
                .containsOnly(role);
    }

    @Test
    void once_the_role_exists_a_run_reads_no_secret_and_signs_a_token_for_each_login() throws SQLException {
        IamStandIn iam = new IamStandIn(fixture.database, role);
        migrator(iam).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));
        secretReads.clear();
        int loginsBefore = iam.asked.get();
        fixture.migration("V5__add_notes.sql", "ALTER TABLE customers ADD COLUMN notes text;");

        MigrationReport report = migrator(iam).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));

        assertThat(report.migrationsApplied()).isEqualTo(1);
        assertThat(secretReads).as("no secret read for the database").isEmpty();
        assertThat(iam.asked.get() - loginsBefore).as("the probe's and Flyway's logins, each with a token of its own")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void a_database_migrated_by_the_master_user_is_handed_to_the_role_which_can_then_alter_its_tables()
            throws SQLException {
        Map<String, String> iamVariables = Map.of(Settings.IAM_USER_VARIABLE, role);
        fixture.environment.remove(Settings.IAM_USER_VARIABLE);
        assertThat(migrator(null).run(MIGRATE, Deadline.after(Duration.ofMinutes(1))).migrationsApplied())
                .isEqualTo(4);
        fixture.environment.putAll(iamVariables);
        fixture.migration("V5__add_notes.sql", "ALTER TABLE customers ADD COLUMN notes text;"
                + " CREATE TYPE mood AS ENUM ('calm', 'busy');");

        MigrationReport report = migrator(new IamStandIn(fixture.database, role))
                .run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));

        assertThat(report.migrationsApplied()).isEqualTo(1);
        assertThat(owners("flyway_schema_history", "customers", "orders", "order_statuses", "customer_order_totals"))
                .containsOnly(role);
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("installed_by"))
                .containsExactly(fixture.database.username(), fixture.database.username(), fixture.database.username(),
                        fixture.database.username(), role);
    }

    @Test
    void a_configured_schema_that_does_not_exist_yet_is_created_owned_by_the_role() throws SQLException {
        fixture.environment.put("FLYWAY_SCHEMAS", "shop");

        migrator(new IamStandIn(fixture.database, role)).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));

        assertThat(fixture.database.query("SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace"
                + " WHERE nspname = 'shop'")).extracting(row -> row.get("owner")).containsExactly(role);
        assertThat(fixture.database.tableExists("shop", "customers")).isTrue();
    }

    @Test
    void setting_the_role_up_again_changes_nothing_and_fails_nothing() throws SQLException {
        IamStandIn iam = new IamStandIn(fixture.database, role);
        migrator(iam).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));
        Map<String, Object> before = roleFacts();
        List<String> ownersBefore = owners("flyway_schema_history", "customers");
        // As after a refused login: the run sets the role up once more before it migrates.
        iam.refuseNextLogin();

        MigrationReport report = migrator(iam).run(MIGRATE, Deadline.after(Duration.ofMinutes(1)));

        assertThat(report.success()).isTrue();
        assertThat(secretReads).as("the master secret was read for the second set-up").hasSize(2);
        assertThat(roleFacts()).isEqualTo(before);
        assertThat(owners("flyway_schema_history", "customers")).isEqualTo(ownersBefore);
    }

    @Test
    void an_existing_role_that_is_not_a_member_of_rds_iam_is_refused_and_left_as_it_was() throws SQLException {
        fixture.database.execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'an-application-password'");

        assertThatThrownBy(() -> migrator(new IamStandIn(fixture.database, role))
                .run(MIGRATE, Deadline.after(Duration.ofMinutes(1))))
                .isInstanceOfSatisfying(MigratorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_ROLE))
                .hasMessageContaining("'" + role + "'")
                .hasMessageContaining("is not a member of rds_iam");
        assertThat(roleFacts()).containsEntry("in_rds_iam", false);
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void an_existing_iam_role_that_can_do_more_than_log_in_is_not_set_up_by_the_master_secret() {
        fixture.database.execute("CREATE ROLE \"" + role + "\" LOGIN CREATEDB");
        fixture.database.execute("GRANT rds_iam TO \"" + role + "\"");
        // Its login refused (say the function may not rds-db:connect yet): the run turns to the master secret.
        IamStandIn iam = new IamStandIn(fixture.database, role);
        iam.refuseNextLogin();

        assertThatThrownBy(() -> migrator(iam)
                .run(MIGRATE, Deadline.after(Duration.ofMinutes(1))))
                .isInstanceOfSatisfying(MigratorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_ROLE))
                .hasMessageContaining("more than LOGIN (CREATEDB)");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void without_the_master_secret_a_missing_role_is_reported_with_how_to_create_it() {
        fixture.environment.remove(Settings.SECRET_VARIABLE);

        assertThatThrownBy(() -> migrator(new IamStandIn(fixture.database, role))
                .run(MIGRATE, Deadline.after(Duration.ofMinutes(1))))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("refused the IAM authentication token of the migration role '" + role + "'")
                .hasMessageContaining("Without DB_SECRET_ARN")
                .hasMessageContaining("GRANT rds_iam TO " + role);
        assertThat(secretReads).isEmpty();
    }

    @Test
    void a_token_refused_after_the_role_was_set_up_points_at_the_iam_side_and_never_shows_the_token() {
        String rejected = "not-a-token-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));

        assertThatThrownBy(() -> migrator(() -> rejected).run(MIGRATE, Deadline.after(Duration.ofMinutes(1))))
                .isInstanceOfSatisfying(MigratorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_AUTHENTICATION))
                .hasMessageContaining("again after the role was set up")
                .hasMessageContaining("rds-db:connect")
                .hasMessageNotContaining(rejected);
        assertThat(roleFacts()).as("the role was set up nonetheless").containsEntry("in_rds_iam", true);
    }

    private Migrator migrator(PasswordSource iam) {
        SecretsManagerSource source = new SecretsManagerSource(fixture.secrets::client);
        return new Migrator(Settings.fromEnvironment(fixture.environment), new CachingSecretSource(id -> {
            secretReads.add(id);
            return source.read(id);
        }), new ConnectRetryPolicy(Duration.ofMillis(50), Duration.ofMillis(500)), new ScramVerifiers(), iam);
    }

    private Map<String, Object> roleFacts() {
        List<Map<String, Object>> rows = fixture.database.query("SELECT rolcanlogin, rolsuper, rolcreaterole,"
                + " rolcreatedb, pg_has_role(rolname, 'rds_iam', 'MEMBER') AS in_rds_iam FROM pg_roles"
                + " WHERE rolname = ?", role);
        assertThat(rows).as("role " + role + " exists").hasSize(1);
        return rows.getFirst();
    }

    private List<String> owners(String... relations) {
        return List.of(relations).stream().map(relation -> (String) fixture.database.query("SELECT"
                + " pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = ?::regclass", "public." + relation)
                .getFirst().get("owner")).toList();
    }

    /**
     * Amazon RDS's part in an IAM login, played on a plain PostgreSQL: a role that is a member of {@code rds_iam} gets
     * in (it is given this stand-in's random password, which is returned as the token); any other gets a password
     * that fails. One password for all logins: the migrator opens connections from several threads at once, and a
     * password changed between another thread's ALTER and its login would refuse that login.
     */
    private static final class IamStandIn implements PasswordSource {
        private final TestDatabase database;
        private final String role;
        private final AtomicInteger asked = new AtomicInteger();
        private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        private volatile boolean refuseNext;
        /** Whether the role has this stand-in's password: set once, as concurrent ALTER ROLEs of one role collide. */
        private boolean passwordSet;

        IamStandIn(TestDatabase database, String role) {
            this.database = database;
            this.role = role;
        }

        void refuseNextLogin() {
            refuseNext = true;
        }

        @Override
        public synchronized String password() {
            asked.incrementAndGet();
            if (refuseNext) {
                refuseNext = false;
                return "refused-" + token;
            }
            if (passwordSet) {
                return token;
            }
            try (Connection admin = database.adminConnection();
                 PreparedStatement member = admin.prepareStatement("SELECT format('ALTER ROLE %I PASSWORD %L', ?, ?)"
                         + " FROM pg_roles WHERE rolname = ? AND pg_has_role(rolname, 'rds_iam', 'MEMBER')")) {
                member.setString(1, role);
                member.setString(2, token);
                member.setString(3, role);
                try (ResultSet rs = member.executeQuery(); Statement alter = admin.createStatement()) {
                    if (rs.next()) {
                        alter.execute(rs.getString(1));
                        passwordSet = true;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the IAM stand-in could not check role " + role, e);
            }
            return token;
        }
    }
}
