package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The context keys a user changes reach the templates: one synth with many keys set. */
class AppVariantsTest {

    @TempDir
    static Path outdir;

    private static TestApps.Synthesized app;
    private static Template dev;
    private static Template devMigrator;
    private static Template pipeline;

    @BeforeAll
    static void synthesize() {
        app = TestApps.synth(outdir, Map.ofEntries(
                Map.entry("prodEnabled", false),
                Map.entry("namePrefix", "orders"),
                Map.entry("databaseName", "orders"),
                Map.entry("architecture", "x86_64"),
                Map.entry("natGateways", 1),
                Map.entry("migratorTimeoutMinutes", "15"),
                Map.entry("migratorMemoryMb", 2048),
                Map.entry("logRetentionDays", 90),
                Map.entry("devMinCapacity", 1),
                Map.entry("devMaxCapacity", 8),
                Map.entry("engineVersion", "16.13"),
                Map.entry("backupRetentionDays", 14),
                Map.entry("deployId", "2026-11-28T09:15:00Z")));
        dev = Template.fromStack(app.data("dev"));
        devMigrator = Template.fromStack(app.migrator("dev"));
        pipeline = Template.fromStack(app.pipeline());
    }

    @Test
    void without_prod_the_pipeline_has_one_stage_and_no_approval() {
        assertThat(app.pipeline().getStages()).hasSize(1);
        assertThat(pipeline.toJSON().toString()).doesNotContain("Manual", "orders-prod");
    }

    @Test
    void names_follow_the_name_prefix_and_the_application_user_the_database_name() {
        assertThat(app.data("dev").getStackName()).isEqualTo("orders-dev");
        assertThat(app.migrator("dev").getStackName()).isEqualTo("orders-dev-migrator");
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "orders-dev-migrator"));
        dev.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "orders-dev-alarms"));
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "orders-dev-planner"));
        devMigrator.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Match.objectLike(Map.of("SecretStringTemplate", "{\"username\":\"skylift_planner\",\"dbname\":\"orders\"}"))));
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("DBClusterIdentifier", "orders-dev",
                "DatabaseName", "orders"));
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Match.objectLike(Map.of("SecretStringTemplate", "{\"username\":\"orders_app\"}"))));
    }

    @Test
    void an_x86_migrator_is_built_and_published_for_x86() {
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of("Architectures", List.of("x86_64"),
                "MemorySize", 2048, "Timeout", 900));
        assertThat(pipeline.toJSON().toString()).doesNotContain("ARM_CONTAINER");
    }

    @Test
    void a_fifteen_minute_function_gets_a_longer_service_timeout_and_read_timeout() {
        devMigrator.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of("ServiceTimeout", "1020",
                "DeployId", "2026-11-28T09:15:00Z"));
        assertThat(pipeline.toJSON().toString()).contains("READ_TIMEOUT", "Value=960");
    }

    @Test
    void nat_gateways_give_the_workload_egress_subnets() {
        dev.resourceCountIs("AWS::EC2::NatGateway", 1);
        dev.hasResourceProperties("AWS::EC2::Subnet", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", "aws-cdk:subnet-type", "Value", "Private")))));
    }

    @Test
    void capacity_engine_backups_and_retention_come_from_context() {
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of(
                "EngineVersion", "16.13",
                "BackupRetentionPeriod", 14,
                "ServerlessV2ScalingConfiguration", Map.of("MinCapacity", 1, "MaxCapacity", 8)));
        dev.hasResourceProperties("AWS::RDS::DBClusterParameterGroup", Map.of("Family", "aurora-postgresql16"));
        dev.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        devMigrator.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
    }
}
