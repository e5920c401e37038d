package io.skylift.migrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.failure.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

    @Test
    void defaults_are_safe_and_the_location_comes_from_the_task_root() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/opt/app"));
        assertThat(settings.secretId()).isEqualTo(ARN);
        assertThat(settings.sslMode()).as("the server's certificate and host name verified by default")
                .isEqualTo("verify-full");
        assertThat(settings.sslRootCert()).as("the RDS CA bundle in the image, found from the task root")
                .isEqualTo("/opt/app/rds-ca/global-bundle.pem");
        assertThat(settings.defaultLocation()).isEqualTo("filesystem:/opt/app/migrations");
        assertThat(settings.deadlineMargin()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.connectRetryWindow()).as("Aurora resumes in 15-30 s").isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.lockRetries()).isEqualTo(5);
        assertThat(settings.functionName()).isEqualTo("local");
        assertThat(settings.secretCacheTtl()).as("secrets are cached minutes, not forever").isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void the_secret_cache_time_can_be_set_and_zero_turns_caching_off() {
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "SECRET_CACHE_TTL_SECONDS", "60")).secretCacheTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "SECRET_CACHE_TTL_SECONDS", "0")).secretCacheTtl()).isZero();
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "SECRET_CACHE_TTL_SECONDS", "-1"))).hasMessageContaining("SECRET_CACHE_TTL_SECONDS is '-1'")
                .hasMessageContaining("0 or more");
    }

    @Test
    void lock_and_connection_retry_settings_are_read_and_checked() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_LOCK_TIMEOUT_MS", "2500", "DB_LOCK_RETRIES", "0", "DB_CONNECT_RETRY_WINDOW_SECONDS", "30"));
        assertThat(settings.lockTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(settings.lockRetries()).isZero();
        assertThat(settings.connectRetryWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_LOCK_TIMEOUT_MS", "0"))).hasMessage("DB_LOCK_TIMEOUT_MS is '0': it must be a whole number from 1 "
                + "to 3600000");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_LOCK_RETRIES", "many"))).hasMessage("DB_LOCK_RETRIES is 'many': it must be a whole number from 0 "
                + "to 100");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_CONNECT_RETRY_WINDOW_SECONDS", "2m"))).hasMessageContaining("DB_CONNECT_RETRY_WINDOW_SECONDS is '2m'");
    }

    @Test
    void the_ca_bundle_and_ssl_mode_can_be_set_and_disable_stays_available_for_a_local_database() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/opt/app/",
                "DB_SSL_ROOT_CERT", "/etc/ssl/our-ca.pem", "DB_SSL_MODE", "verify-ca"));
        assertThat(settings.sslRootCert()).isEqualTo("/etc/ssl/our-ca.pem");
        assertThat(settings.sslMode()).isEqualTo("verify-ca");
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/opt/app/",
                "DB_SSL_MODE", "disable")).sslMode()).isEqualTo("disable");
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/opt/app/"))
                .sslRootCert()).as("a trailing slash on the task root").isEqualTo("/opt/app/rds-ca/global-bundle.pem");
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "FLYWAY_LOCATIONS", "filesystem:/sql"))
                .sslRootCert()).as("outside an image and unset").isNull();
    }

    @Test
    void the_default_ca_bundle_is_the_functions_regions_when_the_image_holds_it(@TempDir Path taskRoot)
            throws Exception {
        Path regional = taskRoot.resolve(Settings.regionalCaBundle("eu-west-1"));
        Files.createDirectories(regional.getParent());
        Files.writeString(regional, "PEM");
        Map<String, String> environment = new HashMap<>(Map.of("DB_SECRET_ARN", ARN,
                "LAMBDA_TASK_ROOT", taskRoot.toString(), "AWS_REGION", "eu-west-1"));

        assertThat(Settings.fromEnvironment(environment).sslRootCert())
                .isEqualTo(taskRoot.resolve("rds-ca/eu-west-1-bundle.pem").toString());

        environment.put("AWS_REGION", "ap-south-2");
        assertThat(Settings.fromEnvironment(environment).sslRootCert()).as("a region whose bundle the image lacks")
                .isEqualTo(taskRoot + "/rds-ca/global-bundle.pem");
        environment.put("AWS_REGION", "../eu-west-1");
        assertThat(Settings.fromEnvironment(environment).sslRootCert()).as("not a region's name")
                .isEqualTo(taskRoot + "/rds-ca/global-bundle.pem");
        environment.put("AWS_REGION", "eu-west-1");
        environment.put("DB_SSL_ROOT_CERT", "/etc/ssl/our-ca.pem");
        assertThat(Settings.fromEnvironment(environment).sslRootCert()).as("the variable wins")
                .isEqualTo("/etc/ssl/our-ca.pem");
    }

    @Test
    void a_flyway_setting_that_skylift_controls_is_refused_by_name_whatever_its_value() {
        for (String value : new String[] {"true", "false"}) {
            assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                    "FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK", value)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK is set: Skylift sets Flyway's"
                            + " postgresql.transactional.lock to false")
                    .hasMessageContaining("session-level advisory lock")
                    .hasMessageEndingWith("remove the variable");
        }
    }

    @Test
    void to_string_never_prints_a_password_or_placeholder_value() {
        Settings settings = Settings.fromEnvironment(Map.of("FLYWAY_URL",
                "jdbc:postgresql://db:5432/shop?user=shop&password=url-Pa55word&ApplicationName=shop", "FLYWAY_USER", "shop",
                "FLYWAY_PASSWORD", "flyway-Pa55word", "FLYWAY_PLACEHOLDERS_API_KEY", "placeholder-Secret",
                "FLYWAY_LOCATIONS", "filesystem:/sql"));
        String text = settings.toString();
        assertThat(text).doesNotContain("flyway-Pa55word").doesNotContain("url-Pa55word")
                .doesNotContain("placeholder-Secret")
                .contains("FLYWAY_PASSWORD=<masked>", "FLYWAY_PLACEHOLDERS_API_KEY=<masked>", "password=<masked>&ApplicationName=shop",
                        "FLYWAY_LOCATIONS=filesystem:/sql", "FLYWAY_USER=shop", "sslMode=verify-full");
    }

    @Test
    void a_missing_secret_variable_is_named_with_what_it_should_hold() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("LAMBDA_TASK_ROOT", "/var/task")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DB_SECRET_ARN is not set")
                .hasMessageContaining("username, password, host, port, dbname");
    }

    @Test
    void without_task_root_or_flyway_locations_there_is_nothing_to_migrate() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN)))
                .hasMessageContaining("LAMBDA_TASK_ROOT")
                .hasMessageContaining("FLYWAY_LOCATIONS");
    }

    @Test
    void flyway_variables_are_kept_with_their_own_names() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN,
                "FLYWAY_LOCATIONS", "filesystem:/sql", "FLYWAY_PLACEHOLDERS_REGION", "eu", "PATH", "/bin"));
        assertThat(settings.flywayEnvironment())
                .containsOnly(Map.entry("FLYWAY_LOCATIONS", "filesystem:/sql"), Map.entry("FLYWAY_PLACEHOLDERS_REGION", "eu"));
    }

    @Test
    void wrong_values_name_the_variable() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_SSL_MODE", "sometimes"))).hasMessageContaining("DB_SSL_MODE is 'sometimes'");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DEADLINE_MARGIN_MS", "-5"))).hasMessageContaining("DEADLINE_MARGIN_MS is '-5'");
    }

    @Test
    void a_deadline_margin_below_its_floor_is_refused_since_it_leaves_no_time_for_the_answer() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DEADLINE_MARGIN_MS", "2999")))
                .hasMessageContaining("DEADLINE_MARGIN_MS is '2999'").hasMessageContaining("at least 3000");
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DEADLINE_MARGIN_MS", "3000")).deadlineMargin()).isEqualTo(Duration.ofMillis(3000));
    }

    @Test
    void placeholder_secrets_map_a_lower_case_placeholder_to_a_secret_and_optional_key() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "PLACEHOLDER_SECRET_APP_PASSWORD", "arn:aws:secretsmanager:eu-west-1:1:secret:app-x#password",
                "PLACEHOLDER_SECRET_API_TOKEN", "api-token"));
        assertThat(settings.placeholderSecrets()).containsExactly(
                new PlaceholderSecret("api_token", "api-token", null),
                new PlaceholderSecret("app_password", "arn:aws:secretsmanager:eu-west-1:1:secret:app-x", "password"));
    }

    @Test
    void a_placeholder_secret_without_a_secret_is_explained() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "PLACEHOLDER_SECRET_APP_PASSWORD", "#password")))
                .hasMessageContaining("PLACEHOLDER_SECRET_APP_PASSWORD must name");
    }

    @Test
    void the_databases_endpoint_is_read_from_db_host_db_port_and_db_name() {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_HOST", " db.cluster-x.eu-west-1.rds.amazonaws.com ", "DB_PORT", "5432", "DB_NAME", "shop"));
        assertThat(settings.dbHost()).isEqualTo("db.cluster-x.eu-west-1.rds.amazonaws.com");
        assertThat(settings.dbPort()).isEqualTo(5432);
        assertThat(settings.dbName()).isEqualTo("shop");
        Settings unset = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t"));
        assertThat(unset.dbHost()).as("the secret's fields then").isNull();
        assertThat(unset.dbPort()).isNull();
        assertThat(unset.dbName()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "5432x", "-1"})
    void db_port_must_be_a_port_number(String port) {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_PORT", port))).isInstanceOf(ConfigurationException.class)
                .hasMessage("DB_PORT is '" + port + "': it must be a whole number from 1 to 65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslmode=disable", "sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "sslrootcert=/tmp/other.pem", "ssl=true", "sslcert=/c.pem", "sslkey=/k.pem", "sslpassword=p",
            "sslhostnameverifier=x.Any", "sslNegotiation=direct", "socketFactory=x.Plain", "gssencmode=require",
            "service=other"})
    void a_flyway_url_carrying_a_tls_parameter_is_refused_naming_it(String parameter) {
        String name = parameter.substring(0, parameter.indexOf('='));
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("LAMBDA_TASK_ROOT", "/t", "FLYWAY_USER", "u",
                "FLYWAY_URL", "jdbc:postgresql://db.example:5432/shop?ApplicationName=x&" + parameter
                        + "&password=hunter2")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("FLYWAY_URL carries the TLS parameter " + name + ":")
                .hasMessageContaining("use DB_SSL_MODE and DB_SSL_ROOT_CERT instead")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain(parameter));
    }

    @Test
    void a_flyway_url_without_tls_parameters_is_accepted() {
        assertThat(Settings.fromEnvironment(Map.of("LAMBDA_TASK_ROOT", "/t", "FLYWAY_USER", "u",
                "FLYWAY_URL", "jdbc:postgresql://db.example:5432/shop?ApplicationName=x")).flywayEnvironment())
                .containsEntry("FLYWAY_URL", "jdbc:postgresql://db.example:5432/shop?ApplicationName=x");
    }

    @Test
    void db_host_and_db_name_carrying_a_tls_parameter_are_refused_naming_it() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_NAME", "shop?sslmode=disable"))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DB_NAME carries the TLS parameter sslmode:");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t",
                "DB_HOST", "db.example/shop?sslfactory=x.Trusting"))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DB_HOST carries the TLS parameter sslfactory:");
    }
    private static final Map<String, String> IAM = Map.of("LAMBDA_TASK_ROOT", "/t", "DB_IAM_USER", "skylift_migrator",
            "DB_HOST", "db.cluster-abc.eu-west-1.rds.amazonaws.com", "DB_PORT", "5432", "DB_NAME", "shop",
            "AWS_REGION", "eu-west-1");

    @Test
    void iam_authentication_needs_no_secret_and_names_the_role_and_the_region() {
        Settings settings = Settings.fromEnvironment(IAM);

        assertThat(settings.iamAuthentication()).isEqualTo(new IamAuthentication("skylift_migrator", "eu-west-1"));
        assertThat(settings.secretId()).as("the master secret is optional: only a role to create needs it").isNull();
        assertThat(Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT", "/t"))
                .iamAuthentication()).as("off by default").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Migrator", "1st", "skylift-migrator", "a\"; DROP ROLE x; --", "pg_migrator", "rdsadmin",
        "rds_iam", "a_role_name_that_is_much_longer_than_the_sixty_three_characters_postgresql_keeps"})
    void a_migration_role_name_that_is_not_plain_lower_case_or_is_reserved_is_refused(String name) {
        Map<String, String> env = new HashMap<>(IAM);
        env.put("DB_IAM_USER", name);

        assertThatThrownBy(() -> Settings.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DB_IAM_USER is '" + name + "': name the migration role with lower-case");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DB_HOST", "DB_PORT", "DB_NAME"})
    void iam_authentication_without_the_endpoint_it_signs_for_is_refused(String missing) {
        Map<String, String> env = new HashMap<>(IAM);
        env.remove(missing);

        assertThatThrownBy(() -> Settings.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DB_IAM_USER is set but " + missing + " is not");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLYWAY_URL", "FLYWAY_USER", "FLYWAY_PASSWORD", "PLANNER_SECRET_ARN"})
    void iam_authentication_with_another_login_or_the_planners_role_is_refused(String variable) {
        Map<String, String> env = new HashMap<>(IAM);
        env.put(variable, "jdbc:postgresql://db.example:5432/shop");

        assertThatThrownBy(() -> Settings.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + " is set together with DB_IAM_USER");
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require"})
    void iam_authentication_over_tls_that_does_not_verify_the_server_is_refused(String mode) {
        Map<String, String> env = new HashMap<>(IAM);
        env.put("DB_SSL_MODE", mode);

        assertThatThrownBy(() -> Settings.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DB_SSL_MODE is '" + mode + "' together with DB_IAM_USER");
        env.put("DB_SSL_MODE", "verify-ca");
        assertThat(Settings.fromEnvironment(env).iamAuthentication()).isNotNull();
    }

    @Test
    void iam_authentication_without_a_region_is_refused() {
        Map<String, String> env = new HashMap<>(IAM);
        env.remove("AWS_REGION");

        assertThatThrownBy(() -> Settings.fromEnvironment(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set AWS_REGION");
    }
}
