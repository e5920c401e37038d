package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.ScramVerifiers;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Role passwords never travel as SQL text: every placeholder secret {@code <name>} also comes as
 * {@code <name>_scram}, a SCRAM-SHA-256 verifier of it, which the example V4 uses.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class ScramVerifierTest {
    private static final Pattern VERIFIER = Pattern.compile(
            "SCRAM-SHA-256\\$(\\d+):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void a_verifier_has_postgresqls_form_a_fresh_salt_and_keys_derived_from_the_password() throws Exception {
        String password = "pässword with spaces & symbols!";
        String first = ScramVerifiers.verifierOf(password);
        String second = ScramVerifiers.verifierOf(password);

        assertThat(first).matches(VERIFIER).doesNotContain(password);
        assertThat(second).as("a fresh salt each time").isNotEqualTo(first);
        // Recomputed here from RFC 5802's definitions, independently of the library the function uses.
        for (String verifier : List.of(first, second)) {
            Matcher parts = VERIFIER.matcher(verifier);
            assertThat(parts.matches()).isTrue();
            int iterations = Integer.parseInt(parts.group(1));
            byte[] salt = Base64.getDecoder().decode(parts.group(2));
            assertThat(iterations).as("PostgreSQL's default").isEqualTo(4096);
            assertThat(salt).hasSize(16);
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
            assertThat(Base64.getDecoder().decode(parts.group(3))).as("StoredKey").isEqualTo(storedKey);
            assertThat(Base64.getDecoder().decode(parts.group(4))).as("ServerKey").isEqualTo(hmac(salted, "Server Key"));
        }
    }

    @Test
    void every_placeholder_secret_gets_a_verifier_kept_while_its_value_stays_the_same() {
        ScramVerifiers verifiers = new ScramVerifiers();
        Map<String, String> first = verifiers.withVerifiers(Map.of("app_password", "first-Pa55word"));
        Map<String, String> again = verifiers.withVerifiers(Map.of("app_password", "first-Pa55word"));
        Map<String, String> rotated = verifiers.withVerifiers(Map.of("app_password", "second-Pa55word"));

        assertThat(first).containsOnlyKeys("app_password", "app_password_scram")
                .containsEntry("app_password", "first-Pa55word");
        assertThat(first.get("app_password_scram")).matches(VERIFIER);
        assertThat(again.get("app_password_scram")).as("a warm function reuses it").isEqualTo(first.get("app_password_scram"));
        assertThat(rotated.get("app_password_scram")).as("a new value, a new verifier")
                .isNotEqualTo(first.get("app_password_scram"));
    }

    @Test
    void a_deploy_that_changes_nothing_computes_no_verifier_and_one_that_runs_flyway_computes_each_once() {
        invokeJson(fixture.handler(), "{}");
        AtomicInteger computed = new AtomicInteger();
        Migrator migrator = new Migrator(Settings.fromEnvironment(fixture.environment),
                new CachingSecretSource(new SecretsManagerSource(fixture.secrets::client)), ConnectRetryPolicy.DEFAULT,
                new ScramVerifiers(value -> {
                    computed.incrementAndGet();
                    return ScramVerifiers.verifierOf(value);
                }));
        DirectRequest migrate = new DirectRequest(Command.MIGRATE, null, null);

        MigrationReport noOp = migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        assertThat(noOp.migrationsApplied()).isZero();
        assertThat(computed).as("nothing pending: no PBKDF2 spent on a verifier").hasValue(0);

        fixture.migration("V5__one_more_table.sql", "CREATE TABLE one_more (id int);");
        MigrationReport applied = migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        assertThat(applied.migrationsApplied()).isEqualTo(1);
        assertThat(computed).as("Flyway runs: it gets the verifier of the one placeholder secret").hasValue(1);
    }

    @Test
    void a_repeatable_migration_naming_a_verifier_is_left_to_flyway_which_gets_it() throws SQLException {
        invokeJson(fixture.handler(), "{}");
        fixture.migration("R__verifier_comment.sql",
                "COMMENT ON TABLE customers IS 'verifier ${app_password_scram}';");

        JsonNode result = invokeJson(fixture.handler(), "{}");

        assertThat(result.get("migrationsApplied").asInt()).isEqualTo(1);
        Object comment = fixture.database.query("SELECT obj_description('customers'::regclass) AS c").get(0).get("c");
        assertThat(String.valueOf(comment)).matches("verifier " + VERIFIER.pattern());
    }

    @Test
    void the_role_created_from_the_verifier_logs_in_with_the_plaintext_password() throws SQLException {
        assertThat(readV4()).contains("'${app_password_scram}'").doesNotContain("'${app_password}'");

        invokeJson(fixture.handler(), "{}");

        String role = fixture.database.databaseName() + "_app";
        Object stored = fixture.database.query("SELECT rolpassword FROM pg_authid WHERE rolname = ?", role)
                .get(0).get("rolpassword");
        assertThat(String.valueOf(stored)).as("the role's stored password is the verifier").matches(VERIFIER);
        try (var connection = DriverManager.getConnection(fixture.database.jdbcUrl(), role, MigratorFixture.APP_PASSWORD)) {
            assertThat(connection.isValid(2)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(fixture.database.jdbcUrl(), role, "not-it").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void a_failing_v4_never_puts_the_password_in_the_server_log() {
        String log = serverLogOfFailingV4();

        assertThat(log.contains(MigratorFixture.APP_PASSWORD)).as("the password is in the server log").isFalse();
        assertThat(log).as("the failure and its statement were logged, with the verifier in its place")
                .contains("permission denied to create role").contains("SCRAM-SHA-256$4096:");
    }

    @Test
    void the_same_failure_with_the_plaintext_placeholder_would_log_the_password() {
        // The control: what the verifier prevents, so the test above would notice a regression.
        fixture.migration("V4__create_app_role.sql", readV4().replace("${app_password_scram}", "${app_password}"));

        String log = serverLogOfFailingV4();

        assertThat(log.contains(MigratorFixture.APP_PASSWORD)).as("the password is in the server log").isTrue();
    }

    /** Migrates with every statement logged and CREATE ROLE refused, so V4 fails; returns what the server logged. */
    private String serverLogOfFailingV4() {
        String database = fixture.database.databaseName();
        fixture.database.execute("ALTER DATABASE \"" + database + "\" SET log_statement = 'all'");
        fixture.database.execute("ALTER ROLE \"" + fixture.database.username() + "\" NOCREATEROLE");
        int before = PostgresExtension.serverLog().length();

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("V4__create_app_role.sql")
                .satisfies(e -> assertThat(e.getMessage().contains(MigratorFixture.APP_PASSWORD)).isFalse());
        return PostgresExtension.serverLog().substring(before);
    }

    private String readV4() {
        try {
            return Files.readString(fixture.taskRoot.resolve("migrations/V4__create_app_role.sql"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
