package io.skylift.migrator.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.Json;
import io.skylift.migrator.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudFormationResponseTest {
    private static CloudFormationResponse failed(String reason) {
        return new CloudFormationResponse(ResultStatus.FAILED, reason, "shop-dev-Schema", "arn:stack/shop-dev/1", "req-1",
                "Schema", Map.of());
    }

    @Test
    void renders_every_field_cloudformation_reads() throws Exception {
        var response = new CloudFormationResponse(ResultStatus.SUCCESS, "ok", "pid", "sid", "rid", "lid",
                Map.of("SchemaVersion", "4", "MigrationsApplied", "2"));
        JsonNode json = Json.MAPPER.readTree(response.toJson());
        assertThat(json.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(json.get("PhysicalResourceId").asText()).isEqualTo("pid");
        assertThat(json.get("StackId").asText()).isEqualTo("sid");
        assertThat(json.get("RequestId").asText()).isEqualTo("rid");
        assertThat(json.get("LogicalResourceId").asText()).isEqualTo("lid");
        assertThat(json.get("Data").get("SchemaVersion").asText()).isEqualTo("4");
        assertThat(json.get("Data").get("MigrationsApplied").asText()).isEqualTo("2");
    }

    @Test
    void a_long_reason_is_cut_so_the_body_fits_4096_bytes_and_stays_json() throws Exception {
        String reason = "Migration V7 (V7__x.sql) failed: " + "é\"\\".repeat(5_000);
        byte[] body = failed(reason).toJson();
        assertThat(body.length).isLessThanOrEqualTo(4096);
        JsonNode json = Json.MAPPER.readTree(body);
        assertThat(json.get("Reason").asText()).startsWith("Migration V7 (V7__x.sql) failed: ").endsWith("…");
        assertThat(json.get("PhysicalResourceId").asText()).isEqualTo("shop-dev-Schema");
    }

    @Test
    void failed_needs_a_reason_and_every_answer_a_physical_id() {
        assertThatThrownBy(() -> failed(" ")).hasMessageContaining("reason");
        assertThatThrownBy(() -> new CloudFormationResponse(ResultStatus.SUCCESS, null, "", "s", "r", "l", Map.of()))
                .hasMessageContaining("physicalResourceId");
    }
}
