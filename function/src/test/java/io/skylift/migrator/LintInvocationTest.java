package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code {"command":"lint"}} on the image's migrations: no secret, no database. */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class LintInvocationTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        // Neither the secret nor the database is reachable: lint must not need them.
        fixture.environment.put("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf");
        fixture.secrets.close();
    }

    @Test
    void the_images_clean_migrations_have_no_findings() {
        JsonNode result = invokeJson(fixture.handler(), "{\"command\":\"lint\"}");
        assertThat(result.get("command").asText()).isEqualTo("lint");
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("findings").size()).isZero();
        assertThat(result.has("changed")).as("plan's fields only on plan").isFalse();
    }

    @Test
    void findings_are_returned_as_data_and_an_error_makes_success_false_without_failing_the_invocation() {
        fixture.migration("V5__rename.sql", "-- skylift:allow drop-column\nALTER TABLE orders DROP COLUMN currency;\n"
                + "ALTER TABLE orders RENAME COLUMN total_cents TO total;");

        JsonNode result = invokeJson(fixture.handler(), "{\"command\":\"lint\"}");

        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("findings")).extracting(f -> f.get("rule").asText() + "@" + f.get("line").asInt())
                .containsExactly("allow-without-reason@1", "drop-column@2", "rename-column@3");
        JsonNode first = result.get("findings").get(1);
        assertThat(first.get("severity").asText()).isEqualTo("warning");
        assertThat(first.get("script").asText()).isEqualTo("V5__rename.sql");
        assertThat(first.get("message").asText()).contains("DROP COLUMN currency");
    }

    @Test
    void the_migrations_of_the_payload_can_be_linted_too() {
        JsonNode result = invokeJson(fixture.handler(), "{\"command\":\"lint\",\"migrations\":["
                + "{\"script\":\"sub/V9__vacuum.sql\",\"content\":\"VACUUM FULL orders;\"}]}");
        assertThat(result.get("findings")).extracting(f -> f.get("script").asText() + ":" + f.get("rule").asText())
                .containsExactly("sub/V9__vacuum.sql:vacuum-full");
    }
}
