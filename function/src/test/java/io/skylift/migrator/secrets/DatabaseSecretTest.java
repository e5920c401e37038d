package io.skylift.migrator.secrets;

import io.skylift.migrator.failure.SecretReadException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseSecretTest {
    private static final String PASSWORD = "s3cr3t-Pa55word";

    @Test
    void parses_the_rds_json_form() {
        DatabaseSecret secret = DatabaseSecret.parse("db", """
                {"username":"master","password":"%s","host":"db.cluster-x.eu-west-1.rds.amazonaws.com",
                 "port":5432,"dbname":"shop","engine":"postgres"}""".formatted(PASSWORD));
        assertThat(secret).isEqualTo(new DatabaseSecret("master", PASSWORD,
                "db.cluster-x.eu-west-1.rds.amazonaws.com", 5432, "shop", "postgres"));
    }

    @Test
    void to_string_masks_the_password() {
        DatabaseSecret secret = new DatabaseSecret("master", PASSWORD, "h", 5432, "shop", null);
        assertThat(secret.toString()).doesNotContain(PASSWORD).contains("<masked>");
    }

    @Test
    void an_rds_managed_master_secret_holding_only_username_and_password_parses() {
        DatabaseSecret secret = DatabaseSecret.parse("rds!cluster-1", """
                {"username":"postgres","password":"%s"}""".formatted(PASSWORD));
        assertThat(secret).isEqualTo(new DatabaseSecret("postgres", PASSWORD, null, null, null, null));
    }

    @Test
    void missing_credentials_are_named_with_the_secret_but_no_value() {
        assertThatThrownBy(() -> DatabaseSecret.parse("arn:db", "{\"password\":\"" + PASSWORD
                + "\",\"host\":\"h\",\"port\":\"5432\"}"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("arn:db")
                .hasMessageContaining("lacks the key(s) username")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }

    @Test
    void a_port_that_is_not_a_number_is_named() {
        assertThatThrownBy(() -> DatabaseSecret.parse("arn:db", "{\"username\":\"u\",\"password\":\"" + PASSWORD
                + "\",\"port\":\"five\"}"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("'port' that is not a number")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }

    @Test
    void a_secret_that_is_not_json_is_reported_without_quoting_it() {
        assertThatThrownBy(() -> DatabaseSecret.parse("arn:db", PASSWORD + "{"))
                .hasMessageContaining("'arn:db' is not JSON")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }
}
