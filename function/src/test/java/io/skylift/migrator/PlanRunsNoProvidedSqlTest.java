package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code plan} runs before anyone approved the commit, against prod: nothing it is given may execute. Callback
 * scripts here try what a hostile commit would: end an application's session, write, and read a table's data into an
 * error message that the pipeline's log would show.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class PlanRunsNoProvidedSqlTest {
    private static final String APPLICATION = "shop-api";
    private static final String CUSTOMER_NAME = "Ada Confidential";
    private static final String TERMINATE_APPLICATION =
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + APPLICATION + "';\n";
    private static final String QUOTE_DATA =
            "SELECT CAST((SELECT 'leaked:' || string_agg(full_name, ',') FROM customers) AS integer);\n";
    private static final String WRITE = "CREATE TABLE written_by_plan (id int);\n";

    private MigratorFixture fixture;
    private Connection application;

    @BeforeEach
    void setUp(MigratorFixture fixture) throws SQLException {
        this.fixture = fixture;
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        fixture.database.execute("INSERT INTO customers (email, full_name) VALUES ('ada@example.com', ?)", CUSTOMER_NAME);
        Properties props = new Properties();
        props.setProperty("user", fixture.database.username());
        props.setProperty("password", fixture.database.password());
        props.setProperty("ApplicationName", APPLICATION);
        application = DriverManager.getConnection(fixture.database.jdbcUrl(), props);
    }

    @AfterEach
    void closeApplication() throws SQLException {
        application.close();
    }

    private void assertNothingHappened(String answer) throws SQLException {
        try (Statement statement = application.createStatement()) {
            assertThat(statement.execute("SELECT 1")).as("the application's session is alive").isTrue();
        }
        assertThat(fixture.database.tableExists("public", "written_by_plan")).as("nothing written").isFalse();
        assertThat(answer).as("no data quoted into the answer").doesNotContain("leaked:").doesNotContain(CUSTOMER_NAME);
    }

    @Test
    void a_payload_with_callback_scripts_is_refused_naming_each_file_and_none_of_them_runs() throws Exception {
        List<Map<String, String>> files = repositoryMigrations();
        files.add(file("beforeInfo.sql", TERMINATE_APPLICATION));
        files.add(file("beforeValidate.sql", QUOTE_DATA));
        files.add(file("afterInfo__audit.sql", WRITE));
        files.add(file("later/afterValidate.sql", WRITE));
        files.add(file("U4__undo_app_role.sql", "DROP ROLE IF EXISTS nobody;\n"));
        String payload = "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}";

        StringBuilder answer = new StringBuilder();
        assertThatThrownBy(() -> invoke(fixture.handler(), payload, LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .satisfies(e -> answer.append(e.getMessage()))
                .hasMessageContaining("[INVALID_INVOCATION]")
                .hasMessageContaining("beforeInfo.sql").hasMessageContaining("beforeValidate.sql")
                .hasMessageContaining("afterInfo__audit.sql").hasMessageContaining("later/afterValidate.sql")
                .hasMessageContaining("U4__undo_app_role.sql")
                .hasMessageNotContaining("V1__create_customers.sql");
        assertNothingHappened(answer.toString());
    }

    @Test
    void callbacks_in_the_images_migrations_folder_do_not_run_for_plan() throws Exception {
        Path marker = fixture.taskRoot.resolve("script-callback-ran");
        fixture.migration("beforeInfo.sql", TERMINATE_APPLICATION)
                .migration("beforeValidate.sql", QUOTE_DATA)
                .migration("afterInfo.sql", WRITE)
                .migration("beforeEachMigrate.sql", WRITE)
                .migration("beforeInfo.sh", "#!/bin/sh\ntouch '" + marker + "'\n");

        String answer = invoke(fixture.handler(), "{\"command\":\"plan\"}", LambdaContext.generous());

        assertThat(Json.MAPPER.readTree(answer).get("success").asBoolean()).as(answer).isTrue();
        assertNothingHappened(answer);
        assertThat(marker).as("no script callback ran").doesNotExist();
    }

    @Test
    void a_callback_class_named_in_flyway_callbacks_runs_for_info_but_not_for_plan() throws Exception {
        fixture.environment.put("FLYWAY_CALLBACKS", RecordingCallback.class.getName());
        RecordingCallback.EVENTS.clear();
        invokeJson(fixture.handler(), "{\"command\":\"info\"}");
        assertThat(RecordingCallback.EVENTS).as("the class is found and called for info").isNotEmpty();
        RecordingCallback.EVENTS.clear();

        String answer = invoke(fixture.handler(), "{\"command\":\"plan\"}", LambdaContext.generous());

        assertThat(RecordingCallback.EVENTS).as("called for plan").isEmpty();
        assertNothingHappened(answer);
    }

    /** A callback class an operator could name in {@code FLYWAY_CALLBACKS}; records the events it was called for. */
    public static final class RecordingCallback implements Callback {
        static final List<Event> EVENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean supports(Event event, Context context) {
            return true;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            EVENTS.add(event);
        }

        @Override
        public String getCallbackName() {
            return "recording";
        }
    }

    @Test
    void a_repeatables_checksum_in_the_plan_is_not_computed_from_secret_placeholder_values() {
        fixture.migration("R__app_password_check.sql",
                "-- keeps the secret out of the catalog, but the text Flyway checksums holds it\n"
                        + "SELECT length('${app_password}');\n");
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        Object recorded = fixture.database.query(
                "SELECT checksum FROM flyway_schema_history WHERE script = 'R__app_password_check.sql'").get(0)
                .get("checksum");
        fixture.migration("R__app_password_check.sql",
                "-- changed\nSELECT length('${app_password}');\n");

        JsonNode plan = invokeJson(fixture.handler(), "{\"command\":\"plan\"}");

        JsonNode pending = plan.get("pending").get(0);
        assertThat(pending.get("script").asText()).isEqualTo("R__app_password_check.sql");
        assertThat(pending.get("checksum").asInt()).as("the CRC of the file's own text")
                .isEqualTo(crc32Checksum("-- changed\nSELECT length('${app_password}');\n"))
                .isNotEqualTo(recorded);
    }

    @Test
    void a_placeholder_the_function_does_not_know_is_a_finding_not_a_failure() throws Exception {
        List<Map<String, String>> files = repositoryMigrations();
        files.add(file("R__report_grants.sql", "\nGRANT SELECT ON customers TO ${report_role};\n"));
        String payload = "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}";

        JsonNode plan = invokeJson(fixture.handler(), payload);

        assertThat(plan.get("success").asBoolean()).as(plan.toString()).isTrue();
        assertThat(plan.get("findings")).anySatisfy(finding -> {
            assertThat(finding.get("rule").asText()).isEqualTo("unknown-placeholder");
            assertThat(finding.get("severity").asText()).isEqualTo("warning");
            assertThat(finding.get("script").asText()).isEqualTo("R__report_grants.sql");
            assertThat(finding.get("line").asInt()).isEqualTo(2);
            assertThat(finding.get("message").asText()).contains("${report_role}");
        });
    }

    @Test
    void a_sql_conf_travels_with_its_script_and_one_without_its_script_is_refused() throws Exception {
        List<Map<String, String>> files = repositoryMigrations();
        files.add(file("V5__index_orders.sql", "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (id);\n"));
        files.add(file("V5__index_orders.sql.conf", "executeInTransaction=false\n"));

        JsonNode plan = invokeJson(fixture.handler(),
                "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}");

        assertThat(plan.get("success").asBoolean()).as(plan.toString()).isTrue();
        assertThat(plan.get("pending").get(0).get("script").asText()).isEqualTo("V5__index_orders.sql");

        files.removeIf(f -> f.get("script").equals("V5__index_orders.sql"));
        String orphan = "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}";
        assertThatThrownBy(() -> invoke(fixture.handler(), orphan, LambdaContext.generous()))
                .hasMessageContaining("V5__index_orders.sql.conf").hasMessageContaining("without its script");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"placeholderReplacement=true", "shouldExecute=${app_password}==x"})
    void a_sql_conf_that_would_replace_placeholders_or_evaluate_them_is_refused_naming_the_setting(String setting)
            throws Exception {
        List<Map<String, String>> files = repositoryMigrations();
        files.add(file("R__app_password_check.sql", "SELECT length('${app_password}');\n"));
        files.add(file("R__app_password_check.sql.conf", "executeInTransaction=true\n" + setting + "\n"));
        String payload = "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}";

        assertThatThrownBy(() -> invoke(fixture.handler(), payload, LambdaContext.generous()))
                .as("a checksum over the secret's value, or a placeholder evaluated, would leave through the plan")
                .hasMessageContaining("R__app_password_check.sql.conf")
                .hasMessageContaining(setting.substring(0, setting.indexOf('=')))
                .hasMessageNotContaining(MigratorFixture.APP_PASSWORD);
    }

    @Test
    void migrations_over_the_invoke_payload_limit_get_a_plan_when_sent_gzipped() throws Exception {
        List<Map<String, String>> files = repositoryMigrations();
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 7 * 1024 * 1024; i++) {
            big.append("INSERT INTO order_statuses (status) VALUES ('status-").append(i).append("');\n");
        }
        files.add(file("V5__many_statuses.sql", big.toString()));
        String plain = Json.MAPPER.writeValueAsString(files);
        String payload = "{\"command\":\"plan\",\"migrationsGzip\":\"" + gzipBase64(plain) + "\"}";
        assertThat(plain.length()).as("over Lambda's 6 MB synchronous payload").isGreaterThan(6 * 1024 * 1024);
        assertThat(payload.length()).as("what is sent").isLessThan(6 * 1024 * 1024);

        JsonNode plan = invokeJson(fixture.handler(), payload);

        assertThat(plan.get("pending").get(0).get("script").asText()).isEqualTo("V5__many_statuses.sql");
        assertThat(plan.get("changed").size()).isZero();
    }

    @Test
    void a_gzipped_field_that_is_not_gzipped_json_is_refused_clearly() {
        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"plan\",\"migrationsGzip\":\"bm90IGd6aXA=\"}",
                LambdaContext.generous())).hasMessageContaining("\"migrationsGzip\"").hasMessageContaining("gzip");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"plan\",\"migrationsGzip\":\""
                + gzipBase64("[]") + "\",\"migrations\":[]}", LambdaContext.generous()))
                .hasMessageContaining("not both");
    }

    static String gzipBase64(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Flyway's checksum: a CRC32 over the lines of the text, each without its line ending. */
    private static int crc32Checksum(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (String line : text.split("\n")) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    private static Map<String, String> file(String script, String content) {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("script", script);
        file.put("content", content);
        return file;
    }

    private static List<Map<String, String>> repositoryMigrations() throws IOException {
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(MigratorFixture.REPOSITORY_MIGRATIONS)) {
            for (Path path : list.sorted().toList()) {
                files.add(file(path.getFileName().toString(), Files.readString(path)));
            }
        }
        return files;
    }
}
