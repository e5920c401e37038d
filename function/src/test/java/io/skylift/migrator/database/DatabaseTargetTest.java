package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.failure.SecretReadException;
import io.skylift.migrator.secrets.DatabaseSecret;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The connection URL is built from host, port and database name, and nothing in it can override TLS. */
class DatabaseTargetTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
    private static final String PASSWORD = "s3cr3t-Pa55word";
    private static final DatabaseSecret FULL = new DatabaseSecret("master", PASSWORD,
            "db.cluster-x.eu-west-1.rds.amazonaws.com", 5432, "shop", "postgres");
    private static final DatabaseSecret RDS_MANAGED = new DatabaseSecret("postgres", PASSWORD, null, null, null, null);

    private static Settings settings(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/var/task"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Settings.fromEnvironment(env);
    }

    @Test
    void the_url_comes_from_the_secrets_host_port_and_database() {
        assertThat(DatabaseTarget.of(settings(), FULL).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.cluster-x.eu-west-1.rds.amazonaws.com:5432/shop");
    }

    @Test
    void db_host_port_and_name_win_over_the_secrets_fields() {
        DatabaseTarget target = DatabaseTarget.of(settings("DB_HOST", "other.cluster-y.eu-west-1.rds.amazonaws.com",
                "DB_PORT", "6543", "DB_NAME", "orders"), FULL);
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://other.cluster-y.eu-west-1.rds.amazonaws.com:6543/orders");
        assertThat(target.username()).isEqualTo("master");
    }

    @Test
    void an_rds_managed_secret_needs_only_db_host_port_and_name_beside_it() {
        DatabaseTarget target = DatabaseTarget.of(settings("DB_HOST", "db.cluster-x.eu-west-1.rds.amazonaws.com",
                "DB_PORT", "5432", "DB_NAME", "shop"), RDS_MANAGED);
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db.cluster-x.eu-west-1.rds.amazonaws.com:5432/shop");
        assertThat(target.password()).isEqualTo(PASSWORD);
    }

    @Test
    void a_missing_field_names_the_field_the_secret_and_the_variable_but_no_value() {
        assertThatThrownBy(() -> DatabaseTarget.of(settings("DB_HOST", "db.example.internal"), RDS_MANAGED))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("Secret '" + ARN + "'")
                .hasMessageContaining("'port' (or DB_PORT)")
                .hasMessageContaining("'dbname' (or DB_NAME)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'host'").doesNotContain(PASSWORD));
    }

    @Test
    void an_ipv6_host_is_bracketed() {
        assertThat(DatabaseTarget.of(settings("DB_HOST", "fd00::5", "DB_PORT", "5432", "DB_NAME", "shop"),
                RDS_MANAGED).jdbcUrl()).isEqualTo("jdbc:postgresql://[fd00::5]:5432/shop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslmode=disable", "sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "sslrootcert=/tmp/any.pem", "ssl=false", "sslcert=/tmp/c.pem", "sslkey=/tmp/k.pem", "sslpassword=x",
            "sslhostnameverifier=x.AcceptAll", "SSLMODE=allow", "socketFactory=x.Plain", "gssEncMode=require",
            "service=elsewhere"})
    void a_secrets_dbname_carrying_a_tls_parameter_is_refused_naming_it(String parameter) {
        DatabaseSecret secret = new DatabaseSecret("master", PASSWORD, "h.example", 5432,
                "shop?ApplicationName=a&" + parameter, null);
        String name = parameter.substring(0, parameter.indexOf('='));
        assertThatThrownBy(() -> DatabaseTarget.of(settings(), secret))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'dbname' of secret '" + ARN + "'")
                .hasMessageContaining("TLS parameter " + name)
                .hasMessageContaining("DB_SSL_MODE")
                .hasMessageContaining("DB_SSL_ROOT_CERT")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(parameter));
    }

    @Test
    void a_secrets_host_carrying_a_tls_parameter_is_refused_naming_it() {
        DatabaseSecret secret = new DatabaseSecret("master", PASSWORD, "h.example:5432/shop?sslmode=disable&x=",
                5432, "shop", null);
        assertThatThrownBy(() -> DatabaseTarget.of(settings(), secret))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'host' of secret '" + ARN + "'")
                .hasMessageContaining("TLS parameter sslmode");
    }

    @Test
    void a_host_that_is_not_a_host_name_is_refused() {
        DatabaseSecret secret = new DatabaseSecret("master", PASSWORD, "h.example/other", 5432, "shop", null);
        assertThatThrownBy(() -> DatabaseTarget.of(settings(), secret))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'host' of secret '" + ARN + "' is not a host name");
    }

    @Test
    void a_database_name_with_url_characters_stays_one_database_name() {
        DatabaseSecret secret = new DatabaseSecret("master", PASSWORD, "h.example", 5432, "shop/eu&x", null);
        assertThat(DatabaseTarget.of(settings(), secret).jdbcUrl())
                .isEqualTo("jdbc:postgresql://h.example:5432/shop%2Feu%26x");
    }
}
