package io.skylift.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.construct.Runner;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

class SkyliftSettingsTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.891Z");

    private static SkyliftSettings read(Map<String, Object> context) {
        return SkyliftSettings.fromContext(new ContextReader(context::get), NOW);
    }

    @Test
    void every_setting_has_a_default() {
        SkyliftSettings s = read(Map.of());

        assertThat(s.namePrefix()).isEqualTo("skylift");
        assertThat(s.deployId()).as("deploy id defaults to the synth time, to the second")
                .isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
        assertThat(s.network()).isEqualTo(new NetworkSettings("10.0.0.0/16", 0));
        assertThat(s.database()).isEqualTo(new DatabaseSettings("17.9", "skylift", "skylift_admin", 7, 10));
        assertThat(s.database().appUsername()).isEqualTo("skylift_app");
        assertThat(s.migrator()).isEqualTo(new MigratorSettings("arm64", 10, 1024, 30));
        assertThat(s.migrator().logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
        assertThat(s.pipeline()).isEqualTo(new PipelineSettings(Optional.empty(), Optional.empty(),
                "your-org/skylift", "main", Optional.empty(), "GitHub"));
        assertThat(s.pipeline().repositoryIsPlaceholder()).isTrue();
        assertThat(s.dev()).isEqualTo(StageSettings.DEV_DEFAULTS);
        assertThat(s.dev().autoPause()).isTrue();
        assertThat(s.prod()).contains(StageSettings.PROD_DEFAULTS);
        assertThat(s.prod().orElseThrow().removalPolicy()).isEqualTo(RemovalPolicy.SNAPSHOT);
        assertThat(s.prod().orElseThrow().deletionProtection()).isTrue();
        assertThat(s.stages()).extracting(StageSettings::name).containsExactly("dev", "prod");
    }

    @Test
    void command_line_strings_and_cdk_json_types_are_both_accepted() {
        Map<String, Object> context = new HashMap<>();
        // -c key=value always gives strings ...
        context.put("devMaxCapacity", "8");
        context.put("prodEnabled", "FALSE");
        context.put("migratorTimeoutMinutes", "14");
        // ... cdk.json gives numbers and booleans.
        context.put("devMinCapacity", 0.5);
        context.put("migratorMemoryMb", 2048);
        context.put("logRetentionDays", 90.0);
        context.put("devDeletionProtection", true);
        context.put("devRemovalPolicy", "Retain");
        context.put("deployId", "2026-11-28T09:15:00Z");

        SkyliftSettings s = read(context);

        assertThat(s.dev().minCapacity()).isEqualTo(0.5);
        assertThat(s.dev().maxCapacity()).isEqualTo(8);
        assertThat(s.dev().autoPause()).isFalse();
        assertThat(s.dev().deletionProtection()).isTrue();
        assertThat(s.dev().removalPolicy()).isEqualTo(RemovalPolicy.RETAIN);
        assertThat(s.prod()).isEmpty();
        assertThat(s.stages()).hasSize(1);
        assertThat(s.migrator().timeoutMinutes()).isEqualTo(14);
        assertThat(s.migrator().memoryMb()).isEqualTo(2048);
        assertThat(s.migrator().logRetention()).isEqualTo(RetentionDays.THREE_MONTHS);
        assertThat(s.deployId()).isEqualTo(Instant.parse("2026-11-28T09:15:00Z"));
    }

    @Test
    void blank_values_in_cdk_json_mean_the_default() {
        SkyliftSettings s = read(Map.of("connectionArn", "", "prodAccount", " ", "pipelineRegion", ""));

        assertThat(s.pipeline().connectionArn()).isEmpty();
        assertThat(s.prod().orElseThrow().account()).isEmpty();
        assertThat(s.pipeline().region()).isEmpty();
    }

    @Test
    void stages_inherit_the_pipeline_environment_and_know_when_they_are_elsewhere() {
        SkyliftSettings s = read(Map.of("pipelineAccount", "111111111111", "pipelineRegion", "eu-west-1",
                "prodAccount", "222222222222", "prodRegion", "us-east-1"));

        assertThat(s.accountOf(s.dev())).contains("111111111111");
        assertThat(s.regionOf(s.dev())).contains("eu-west-1");
        assertThat(s.isCrossAccount(s.dev())).isFalse();
        StageSettings prod = s.prod().orElseThrow();
        assertThat(s.accountOf(prod)).contains("222222222222");
        assertThat(s.regionOf(prod)).contains("us-east-1");
        assertThat(s.isCrossAccount(prod)).isTrue();
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
        "devMinCapacity|-1|devMinCapacity",
        "devMinCapacity|0.3|multiple of 0.5",
        "devMaxCapacity|0.5|devMaxCapacity",
        "devMaxCapacity|lots|devMaxCapacity",
        "prodMinCapacity|8|prodMinCapacity' (8.0) and 'prodMaxCapacity' (4.0)",
        "migratorTimeoutMinutes|16|migratorTimeoutMinutes",
        "migratorTimeoutMinutes|0|migratorTimeoutMinutes",
        "migratorMemoryMb|128|migratorMemoryMb",
        "logRetentionDays|31|logRetentionDays",
        "architecture|sparc|architecture",
        "engineVersion|17|engineVersion",
        "databaseName|Orders-DB|databaseName",
        "masterUsername|skylift_app|application role",
        "namePrefix|Skylift|namePrefix",
        "prodRemovalPolicy|delete|prodRemovalPolicy",
        "prodEnabled|yes|prodEnabled",
        "repository|orders|repository",
        "connectionArn|arn:aws:iam::111111111111:role/x|connectionArn",
        "connectionProvider|CodeCommit|connectionProvider",
        "prodAccount|1234|prodAccount",
        "devRegion|Europe|devRegion",
        "backupRetentionDays|1|backupRetentionDays",
        "autoPauseMinutes|2|autoPauseMinutes",
        "vpcCidr|10.0.0.0/8|vpcCidr",
        "deployId|abc123|'deployId' is 'abc123', expected an ISO-8601 UTC instant such as 2026-11-28T09:15:00Z",
        "deployId|2026-11-28|deployId",
        "deployId|2026-11-28T09:15:00|deployId",
        "deployId|2026-11-28T09:15:00+01:00|deployId",
        "deployId|2026-13-28T09:15:00Z|deployId",
        "deployId|2026-11-28T25:15:00Z|deployId",
        "deployId|1764321300|deployId",
        "devWorkflow|ecs|'devWorkflow' is 'ecs'",
    })
    void unusable_values_are_refused_with_their_key(String key, String value, String messagePart) {
        assertThatThrownBy(() -> read(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }

    @ParameterizedTest(name = "{0} without its pipeline counterpart is refused")
    @CsvSource({"prodAccount,222222222222,pipelineAccount", "devRegion,eu-west-1,pipelineRegion"})
    void a_stage_elsewhere_needs_the_pipeline_environment(String key, String value, String required) {
        assertThatThrownBy(() -> read(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(required);
    }

    @Test
    void a_stage_workflow_is_none_by_default_and_fargate_moves_the_migration_out_of_the_deploy() {
        SkyliftSettings defaults = read(Map.of());
        assertThat(defaults.dev().workflow()).isEmpty();
        assertThat(defaults.dev().migratesOnDeploy()).isTrue();

        SkyliftSettings s = read(Map.of("devWorkflow", "fargate", "prodWorkflow", "LAMBDA"));
        assertThat(s.dev().workflow()).contains(Runner.FARGATE);
        assertThat(s.dev().migratesOnDeploy()).isFalse();
        assertThat(s.prod().orElseThrow().workflow()).contains(Runner.LAMBDA);
        assertThat(s.prod().orElseThrow().migratesOnDeploy()).isTrue();
    }

    @Test
    void a_workflow_in_another_account_than_the_pipelines_is_refused_by_name() {
        assertThatThrownBy(() -> read(Map.of("pipelineAccount", "111111111111", "prodAccount", "222222222222",
                "prodWorkflow", "fargate")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'prodWorkflow'").hasMessageContaining("another account");
    }

    @ParameterizedTest(name = "deployId {0}")
    @CsvSource({"2026-11-28T09:15:00Z,2026-11-28T09:15:00Z", "2026-11-28T09:15:00.250Z,2026-11-28T09:15:00.250Z"})
    void a_deploy_id_override_is_an_iso_utc_instant(String value, String rendered) {
        assertThat(read(Map.of("deployId", value)).deployId()).hasToString(rendered);
    }

    @Test
    void connection_provider_is_matched_without_case() {
        assertThat(read(Map.of("connectionProvider", "gitlab")).pipeline().connectionProvider()).isEqualTo("GitLab");
    }
}
