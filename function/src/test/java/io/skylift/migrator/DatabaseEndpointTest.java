package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where the function connects: host, port and database from {@code DB_HOST}/{@code DB_PORT}/{@code DB_NAME} or the
 * secret, so an RDS-managed master secret (username and password only) is enough; and nothing in a URL, a host or a
 * database name may override {@code DB_SSL_MODE}/{@code DB_SSL_ROOT_CERT}.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class DatabaseEndpointTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void an_rds_managed_secret_with_only_username_and_password_migrates_over_verified_tls_with_db_host_port_and_name() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, "{\"username\":\"" + fixture.database.username()
                + "\",\"password\":\"" + fixture.database.password() + "\"}");
        fixture.environment.put("DB_HOST", fixture.database.host());
        fixture.environment.put("DB_PORT", Integer.toString(fixture.database.port()));
        fixture.environment.put("DB_NAME", fixture.database.databaseName());
        fixture.migration("V5__record_tls.sql",
                "CREATE TABLE tls_seen AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\n");

        JsonNode result = invokeJson(fixture.handler(), "{}");

        assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
        assertThat(fixture.database.query("SELECT ssl FROM tls_seen")).containsExactly(java.util.Map.of("ssl", true));
    }

    @Test
    void db_host_wins_over_the_secrets_host() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, fixture.database.rdsSecretJson()
                .replace("\"host\":\"" + fixture.database.host() + "\"", "\"host\":\"db.skylift.invalid\""));
        fixture.environment.put("DB_HOST", fixture.database.host());

        assertThat(invokeJson(fixture.handler(), "{}").get("schemaVersion").asText()).isEqualTo("4");
    }

    @Test
    void an_rds_managed_secret_without_db_host_names_the_missing_fields_and_the_variables() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, "{\"username\":\"" + fixture.database.username()
                + "\",\"password\":\"" + fixture.database.password() + "\"}");

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[SECRET_UNREADABLE] Secret '" + MigratorFixture.DB_SECRET + "'")
                .hasMessageContaining("'host' (or DB_HOST), 'port' (or DB_PORT), 'dbname' (or DB_NAME)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(fixture.database.password()));
    }

    @Test
    void a_flyway_url_with_sslmode_disable_is_refused_before_anything_connects() {
        fixture.environment.put("FLYWAY_URL", fixture.database.baseJdbcUrl() + "?sslmode=disable");

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[CONFIGURATION] FLYWAY_URL carries the TLS parameter sslmode:")
                .hasMessageContaining("use DB_SSL_MODE and DB_SSL_ROOT_CERT instead");
        assertThat(fixture.database.schemaHistory()).as("nothing ran").isEmpty();
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).as("no secret read").isZero();
    }

    @Test
    void a_secrets_dbname_that_would_switch_certificate_checks_off_is_refused_naming_the_parameter() {
        // Through 127.0.0.2, whose name the server's certificate does not hold: a trusting factory would connect.
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, fixture.database.withHost("127.0.0.2").rdsSecretJson()
                .replace("\"dbname\":\"" + fixture.database.databaseName() + "\"", "\"dbname\":\""
                        + fixture.database.databaseName() + "?sslfactory=org.postgresql.ssl.NonValidatingFactory\""));

        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[CONFIGURATION] The 'dbname' of secret '" + MigratorFixture.DB_SECRET
                        + "' carries the TLS parameter sslfactory:")
                .hasMessageContaining("DB_SSL_MODE");
        assertThat(fixture.database.schemaHistory()).as("nothing ran").isEmpty();
    }
}
