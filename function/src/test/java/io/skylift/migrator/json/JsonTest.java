package io.skylift.migrator.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.skylift.migrator.Json;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.migration.MigrationSummary;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.lint.Finding;
import io.skylift.lint.Severity;
import io.skylift.migrator.migration.ChangedMigration;
import io.skylift.migrator.migration.Review;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The function's small JSON reader and writer against Jackson, which they replace on the invocation path. */
class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"command\":\"migrate\",\"target\":\"2.1\"}",
            "{\"RequestType\":\"Create\",\"ResourceProperties\":{\"DeployId\":\"1\",\"n\":[1,2.5,-3e2,true,null]}}",
            "  {\"a\" : { \"b\" : [ ] , \"c\" : { } } }\n",
            "{\"big\":12345678901,\"bigger\":123456789012345678901234567890,\"neg\":-2147483648,\"frac\":0.1}",
            "{\"text\":\"quote \\\" backslash \\\\ slash \\/ tab \\t nl \\n uni \\u00e9\\u2713 emoji 😀\"}",
            "[1,\"two\",{\"three\":3}]", "\"just a string\"", "42", "null", "true"})
    void reads_what_jackson_reads(String json) throws Exception {
        Object jackson = Json.MAPPER.readValue(json, Object.class);

        assertThat(JsonReader.parse(json)).isEqualTo(jackson);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":tru}", "{'a':1}", "{\"a\":1} x",
            "\"unterminated", "{\"a\":\"\\x\"}", "01x"})
    void rejects_what_is_not_json_with_a_position(String text) {
        assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(JsonSyntaxException.class)
                .satisfies(e -> assertThat(((JsonSyntaxException) e).line()).isEqualTo(1));
    }

    @Test
    void reports_the_line_and_column_of_an_error() {
        assertThatThrownBy(() -> JsonReader.parse("{\n  \"a\": 1,\n  \"b\": ?\n}"))
                .isInstanceOfSatisfying(JsonSyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(8);
                });
    }

    @Test
    void writes_what_jackson_writes() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "quote \" backslash \\ slash / control \u0001\u001f\b\f\n\r\t é ✓ 😀 \u2028");
        value.put("int", 42);
        value.put("long", 12345678901L);
        value.put("double", 0.1);
        value.put("negative", -1.5e-7);
        value.put("bool", true);
        value.put("null", null);
        value.put("list", new ArrayList<>(Arrays.asList(1, "two", null, List.of())));
        value.put("nested", Map.of("k", "v"));

        assertThat(JsonWriter.write(value)).isEqualTo(Json.MAPPER.writeValueAsString(value));
    }

    @Test
    void a_report_is_written_as_jackson_writes_the_record() throws Exception {
        MigrationSummary applied = new MigrationSummary("1.1", "create \"orders\"", "V1_1__create_orders.sql", "SQL",
                "Success", 12, "2026-11-22T10:00:00Z");
        MigrationSummary pending = new MigrationSummary(null, "totals", "R__totals.sql", "SQL", "Pending", null, null);
        MigrationReport report = MigrationReport.builder("migrate").schemaVersion("1.1").migrationsApplied(1)
                .applied(List.of(applied)).pending(List.of(pending)).messages(List.of("a warning")).durationMs(123)
                .build();

        // The review (plan and lint only) and the drift (drift only) are written as top-level fields, not as objects.
        ObjectMapper withoutReview = Json.MAPPER.copy().addMixIn(MigrationReport.class, WithoutReview.class);
        assertThat(JsonWriter.write(report)).isEqualTo(withoutReview.writeValueAsString(report));
        assertThat(Json.MAPPER.readValue(JsonWriter.write(report), new TypeReference<Map<String, Object>>() { }))
                .containsEntry("migrationsApplied", 1).containsKey("previousSchemaVersion").doesNotContainKey("review")
                .doesNotContainKey("drift");
    }

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"review", "drift"})
    private interface WithoutReview {
    }

    @Test
    void a_plan_writes_its_review_as_top_level_fields_before_the_duration() throws Exception {
        MigrationSummary pending = new MigrationSummary("5", "index", "V5__index.sql", "SQL", "Pending", null, null,
                -1234);
        Review review = new Review(List.of(new ChangedMigration("2", "V2__x.sql", "CHECKSUM_MISMATCH", "changed")),
                List.of(), List.of(new Finding("lock-table", Severity.ERROR, "V5__index.sql", 3, "LOCK \"x\"")));
        MigrationReport plan = MigrationReport.builder("plan").success(false).previousSchemaVersion("4")
                .schemaVersion("4").pending(List.of(pending)).durationMs(7).review(review).build();

        Map<String, Object> json = Json.MAPPER.readValue(JsonWriter.write(plan), new TypeReference<>() { });

        assertThat(new ArrayList<>(json.keySet())).containsSubsequence("messages", "changed", "failed", "findings",
                "durationMs");
        assertThat(json.get("findings")).isEqualTo(List.of(Map.of("rule", "lock-table", "severity", "error",
                "script", "V5__index.sql", "line", 3, "message", "LOCK \"x\"")));
        assertThat(json.get("changed").toString()).contains("CHECKSUM_MISMATCH");
        assertThat(((List<?>) json.get("pending")).get(0).toString()).contains("checksum=-1234");
    }

    @Test
    void text_is_jacksons_as_text_for_scalars() {
        assertThat(JsonReader.text(3)).isEqualTo("3");
        assertThat(JsonReader.text(2.5)).isEqualTo("2.5");
        assertThat(JsonReader.text(true)).isEqualTo("true");
        assertThat(JsonReader.text(Map.of())).isEmpty();
        assertThat(JsonReader.text(null)).isNull();
    }

    @Test
    void nesting_deeper_than_the_limit_is_a_clear_error_not_a_stack_overflow() {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        assertThatThrownBy(() -> JsonReader.parse(deep)).isInstanceOfSatisfying(JsonSyntaxException.class, e -> {
            assertThat(e).hasMessageContaining("nesting depth (" + (JsonReader.MAX_DEPTH + 1)
                    + ") exceeds the maximum allowed (" + JsonReader.MAX_DEPTH);
            assertThat(e.column()).as("where it went over").isEqualTo(JsonReader.MAX_DEPTH + 2);
        });
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":" + "{\"b\":".repeat(200_000)))
                .isInstanceOf(JsonSyntaxException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void nesting_up_to_the_limit_is_read() throws Exception {
        String deepest = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(JsonReader.parse(deepest)).isEqualTo(Json.MAPPER.readValue(deepest, Object.class));
    }

    @Test
    void a_number_longer_than_the_limit_is_a_clear_error() throws Exception {
        assertThatThrownBy(() -> JsonReader.parse("{\"n\":" + "9".repeat(1_000_000) + "}"))
                .isInstanceOf(JsonSyntaxException.class)
                .hasMessageContaining("Number value length (1000000) exceeds the maximum allowed ("
                        + JsonReader.MAX_NUMBER_LENGTH);
        String longest = "{\"n\":" + "9".repeat(JsonReader.MAX_NUMBER_LENGTH) + "}";
        assertThat(JsonReader.parse(longest)).as("up to the limit").isEqualTo(Json.MAPPER.readValue(longest, Object.class));
    }

    @Test
    void string_members_are_read_past_parts_over_the_limits_and_everything_else_is_skipped() {
        String text = "{\"RequestType\":\"Create\",\"ResourceProperties\":{\"Deep\":"
                + "{\"s\":\"]}\\\"[\",\"k\":[".repeat(50_000) + "1" + "]}".repeat(50_000)
                + ",\"Huge\":" + "7".repeat(5_000) + ",\"DeployId\":\"2026-12-04T10:00:00Z\"},\"Count\":3,"
                + "\"ResponseURL\":\"http://x\"}";

        assertThat(JsonReader.stringMembers(text)).isEqualTo(Map.of("RequestType", "Create",
                "ResourceProperties", Map.of("DeployId", "2026-12-04T10:00:00Z"), "ResponseURL", "http://x"));
        assertThat(JsonReader.stringMembers("[\"not an object\"]")).isNull();
        assertThatThrownBy(() -> JsonReader.stringMembers("{\"a\":" + "[".repeat(200_000)))
                .as("unbalanced brackets are still an error").isInstanceOf(JsonSyntaxException.class);
    }
}
