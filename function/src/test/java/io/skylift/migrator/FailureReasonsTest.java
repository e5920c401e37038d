package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A catalogue of broken migrations and configurations: each gets a specific reason, never an empty or generic one,
 * with its error code in the direct-invocation error and in the invocation's log line.
 */
@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class FailureReasonsTest {
    private MigratorFixture fixture;
    private CapturedOutput output;

    @BeforeEach
    void setUp(MigratorFixture fixture, CapturedOutput output) {
        this.fixture = fixture;
        this.output = output;
    }

    /** The direct-invocation error of a migrate that must fail. */
    private String directError() {
        Throwable thrown = catchThrowable(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()));
        assertThat(thrown).isInstanceOf(InvocationFailedException.class);
        return thrown.getMessage();
    }

    /** The FAILED reason of a Create event. */
    private String cloudFormationReason() {
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        JsonNode answer = fixture.responseUrl.requests().getLast().json();
        assertThat(answer.get("Status").asText()).isEqualTo("FAILED");
        return answer.get("Reason").asText();
    }

    private JsonNode lastLogLine() {
        String[] lines = output.out().lines().filter(l -> l.contains("\"skylift invocation ")).toArray(String[]::new);
        try {
            return Json.MAPPER.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_secret_across_the_reasons_length_limit_is_masked_before_the_reason_is_cut() {
        // Copies of the secret at every offset: one of them straddles wherever the reason is cut.
        fixture.migration("V5__quotes_the_secret.sql", "DO $$ BEGIN RAISE EXCEPTION '%', repeat('${app_password};', 60);"
                + " END $$;");
        String secretPrefix = MigratorFixture.APP_PASSWORD.substring(0, 6);

        String direct = directError();
        String reason = cloudFormationReason();

        assertThat(direct).contains("V5 (V5__quotes_the_secret.sql)").contains("****")
                .doesNotContain(secretPrefix);
        assertThat(reason).contains("****").doesNotContain(secretPrefix);
        assertThat(output.out()).doesNotContain(secretPrefix);
    }

    @Test
    void a_placeholder_nobody_configured_is_named_with_the_script_that_uses_it() {
        fixture.environment.remove("PLACEHOLDER_SECRET_APP_PASSWORD");
        String reason = cloudFormationReason();
        assertThat(reason).startsWith("Placeholder ${app_password_scram} has no value (used in V4__create_app_role.sql)")
                .contains("set PLACEHOLDER_SECRET_APP_PASSWORD=");
        assertThat(directError()).startsWith("[MIGRATION_INVALID] Placeholder ${app_password_scram} has no value");
        assertThat(lastLogLine().get("errorCode").asText()).isEqualTo("MIGRATION_INVALID");
    }

    @Test
    void an_unterminated_dollar_quote_names_the_script() {
        fixture.migration("V5__refresh_totals.sql", "DO $$\nBEGIN\n  PERFORM 1;\nEND;\n");
        String error = directError();
        assertThat(error).startsWith("[MIGRATION_FAILED] Migration V5 (V5__refresh_totals.sql) failed")
                .contains("unterminated dollar-quoted string");
        assertThat(fixture.database.schemaHistory()).as("V1-V4 applied, V5 not").hasSize(4);
    }

    @Test
    void an_incomplete_statement_names_the_script_and_the_database_error() {
        fixture.migration("V5__add_table.sql", "CREATE TABLE gift_cards (id bigint PRIMARY KEY, code text");
        String error = directError();
        assertThat(error).contains("V5__add_table.sql").contains("SQL state 42601");
    }

    @Test
    void a_raised_exception_whose_text_holds_a_url_keeps_its_whole_sentence() {
        fixture.migration("V5__guard.sql", "DO $$ BEGIN RAISE EXCEPTION 'Backfill refused: follow "
                + "https://wiki.example.com/runbooks/backfill before deploying'; END $$;");
        String reason = cloudFormationReason();
        assertThat(reason).startsWith("Migration V5 (V5__guard.sql) failed")
                .contains("Backfill refused: follow https://wiki.example.com/runbooks/backfill before deploying")
                .contains("(SQL state P0001)")
                .contains("PostgreSQL rolled this migration back");
    }

    @Test
    void a_failed_non_transactional_migration_says_what_may_be_left_and_how_to_clean_up() {
        fixture.migration("V5__index_nicknames.sql",
                "CREATE INDEX CONCURRENTLY customers_nickname_idx ON customers (nickname);");
        String error = directError();
        assertThat(error).startsWith("[MIGRATION_FAILED] Migration V5 (V5__index_nicknames.sql) failed")
                .contains("column \"nickname\" does not exist")
                .contains("ran outside a transaction")
                .contains("INVALID index")
                .contains("DROP INDEX CONCURRENTLY")
                .contains("'repair'")
                .doesNotContain("PostgreSQL rolled");
    }

    @ParameterizedTest
    @CsvSource({
            "throwing, V5__Seed_feature_flags, feature-flags.json is not on the class path",
            "initializer, V5__Load_rates, For input string: \"not a number\""})
    void a_java_migration_class_that_cannot_be_loaded_is_named_instead_of_being_skipped(String location,
                                                                                   String className, String cause) {
        fixture.environment.put("FLYWAY_LOCATIONS", "filesystem:" + fixture.taskRoot.resolve("migrations")
                + ",classpath:io/skylift/migrator/brokenjava/" + location);
        String error = directError();
        assertThat(error).startsWith("[MIGRATION_INVALID] Java-based migration io.skylift.migrator.brokenjava."
                + location + "." + className + " (location classpath:io/skylift/migrator/brokenjava/" + location
                + ") cannot be loaded").contains(cause);
        assertThat(fixture.database.schemaHistory()).as("nothing applied").isEmpty();
    }

    @Test
    void an_unexpected_failure_is_reported_with_its_cause_and_logged_whole_at_error() {
        fixture.environment.put("FLYWAY_LOCATIONS", "filesystem:" + fixture.taskRoot.resolve("migrations")
                + ",classpath:io/skylift/migrator/brokenjava/erroring");
        String error = directError();
        assertThat(error).isEqualTo("[UNEXPECTED] Unexpected AssertionError: rates table must be empty before "
                + "loading (the function's log has the cause chain)");
        assertThat(output.out()).contains("[ERROR] MigratorHandler - Unexpected failure: java.lang.AssertionError: "
                + "rates table must be empty before loading").contains("at io.skylift.migrator.brokenjava.erroring");
        assertThat(lastLogLine().get("errorCode").asText()).isEqualTo("UNEXPECTED");
    }

    @Test
    void a_missing_location_is_named() {
        fixture.environment.put("FLYWAY_LOCATIONS", "filesystem:/nonexistent/skylift-migrations");
        String error = directError();
        assertThat(error).startsWith("[FLYWAY_CONFIGURATION]").contains("/nonexistent/skylift-migrations");
    }

    @Test
    void an_invalid_lock_timeout_is_a_configuration_error_before_any_work() {
        fixture.environment.put("DB_LOCK_TIMEOUT_MS", "5s");
        assertThat(directError()).isEqualTo("[CONFIGURATION] DB_LOCK_TIMEOUT_MS is '5s': it must be a whole number "
                + "from 1 to 3600000");
        assertThat(fixture.database.schemaHistory()).isEmpty();
        assertThat(fixture.secrets.getSecretValueCalls()).as("no secret was read").isZero();
    }

    @Test
    void a_placeholder_secret_mapping_naming_no_secret_is_a_configuration_error_before_any_work() {
        fixture.environment.put("PLACEHOLDER_SECRET_REPORTING_PASSWORD", "#password");
        assertThat(directError()).startsWith("[CONFIGURATION] PLACEHOLDER_SECRET_REPORTING_PASSWORD must name");
        assertThat(fixture.database.schemaHistory()).isEmpty();
    }

    @Test
    void an_unknown_ssl_mode_is_a_configuration_error_before_any_work() {
        fixture.environment.put("DB_SSL_MODE", "verify");
        assertThat(directError()).startsWith("[CONFIGURATION] DB_SSL_MODE is 'verify'");
        assertThat(fixture.database.schemaHistory()).isEmpty();
    }
}
