package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * Props that cannot work are refused when built, with a message naming the property and the value. The custom
 * resource's own props ({@link SchemaMigrationProps}) check the timeout and the deploy id with the same code and
 * messages, whichever construct a team uses.
 */
class SchemaMigratorPropsTest {

    private static Stack stack;
    private static IVpc vpc;
    private static IFunction function;

    @BeforeAll
    static void scope() {
        stack = new Stack(new App(), "Props");
        vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder().vpcId("vpc-1")
                .availabilityZones(List.of("eu-west-1a")).isolatedSubnetIds(List.of("subnet-1")).build());
        function = Function.fromFunctionArn(stack, "Migrator",
                "arn:aws:lambda:eu-west-1:123456789012:function:skylift-migrator");
    }

    private static SchemaMigratorProps.Builder valid() {
        return SchemaMigratorProps.builder()
                .vpc(vpc)
                .database(SecurityGroup.fromSecurityGroupId(stack, "Db" + System.nanoTime(), "sg-1"))
                .databaseSecret(Secret.fromSecretNameV2(stack, "Secret" + System.nanoTime(), "db"))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString());
    }

    private static SchemaMigrationProps.Builder validMigration() {
        return SchemaMigrationProps.builder().function(function).functionTimeout(Duration.minutes(10));
    }

    private static String refusal(Runnable build) {
        Throwable thrown = catchThrowable(build::run);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        return thrown.getMessage();
    }

    private static void refused(UnaryOperator<SchemaMigratorProps.Builder> change, String... messageParts) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void each_required_property_is_named_when_missing() {
        refused(b -> b.vpc(null), "vpc is required");
        refused(b -> b.database(null), "database is required");
        refused(b -> b.databaseSecret(null), "databaseSecret is required");
        refused(b -> b.migrationsDirectory(null), "migrationsDirectory is required");
    }

    @Test
    void a_deploy_id_must_be_an_iso_utc_instant() {
        refused(b -> b.deployId("commit-0123abc"), "deployId", "ISO-8601 UTC instant", "commit-0123abc");
        refused(b -> b.deployId("2026-11-28T09:15:00+01:00"), "deployId");
        refused(b -> b.deployId("2026-13-01T00:00:00Z"), "deployId");
    }

    @Test
    void limits_of_lambda_and_of_the_jvm_are_checked() {
        refused(b -> b.timeout(Duration.minutes(16)), "timeout", "1 to 15 minutes");
        refused(b -> b.timeout(Duration.seconds(30)), "timeout");
        refused(b -> b.memorySize(256), "memorySize", "256");
        refused(b -> b.databasePort(0), "databasePort");
        refused(b -> b.securityGroups(List.of()), "securityGroups");
    }

    @Test
    void a_planner_needs_a_cluster_a_database_name_and_a_plain_role_name() {
        // valid()'s database is a security group: no secret can be attached to it.
        refused(b -> b.planner(true).databaseName("orders"), "planner", "cluster", "ISecretAttachmentTarget");
        UnaryOperator<SchemaMigratorProps.Builder> cluster = b -> b.database(DatabaseCluster.fromDatabaseClusterAttributes(
                stack, "Cluster" + System.nanoTime(), DatabaseClusterAttributes.builder().clusterIdentifier("orders")
                        .build()));
        refused(b -> cluster.apply(b).planner(true), "planner needs databaseName");
        refused(b -> cluster.apply(b).planner(true).databaseName("orders").plannerUsername("Planner; DROP"),
                "plannerUsername", "Planner; DROP");
        assertThat(cluster.apply(valid()).planner(true).databaseName("orders").build().getPlannerUsername())
                .isEqualTo(SchemaMigratorProps.DEFAULT_PLANNER_USERNAME);
        assertThat(valid().build().isPlanner()).as("only when asked").isFalse();
    }

    @Test
    void monitoring_choices_that_contradict_each_other_are_refused_and_the_defaults_are_alarms_without_a_dashboard() {
        refused(b -> b.monitoring(false).dashboard(true), "dashboard needs monitoring");
        refused(b -> b.monitoring(false).alarmTopic(software.amazon.awscdk.services.sns.Topic.fromTopicArn(stack,
                "T" + System.nanoTime(), "arn:aws:sns:eu-west-1:111111111111:t")), "alarmTopic needs monitoring");
        refused(b -> b.dashboard(false).dashboardName("orders"), "dashboardName", "orders", "dashboard is false");
        refused(b -> b.databaseName(" "), "databaseName must not be blank");
        SchemaMigratorProps defaults = valid().build();
        assertThat(defaults.isMonitoring()).isTrue();
        assertThat(defaults.isDashboard()).isFalse();
        assertThat(defaults.getLogRemovalPolicy()).isEqualTo(software.amazon.awscdk.RemovalPolicy.DESTROY);
        assertThat(valid().dashboardName("orders").build().isDashboard()).as("a name asks for it").isTrue();
    }

    @Test
    void placeholder_names_must_be_environment_variable_names() {
        refused(b -> b.placeholders(Map.of("app-password", "x")), "placeholders", "app-password");
        refused(b -> b.placeholderSecrets(Map.of("1st", PlaceholderSecret.fromSecret(
                Secret.fromSecretNameV2(stack, "P" + System.nanoTime(), "p"), "password"))), "placeholderSecrets", "1st");
        assertThatThrownBy(() -> PlaceholderSecret.fromSecret(Secret.fromSecretNameV2(stack, "Q", "q"), "a#b"))
                .hasMessageContaining("jsonKey");
    }

    @Test
    void a_migrations_folder_that_is_not_there_is_named_when_the_construct_is_built() {
        SchemaMigratorProps props = valid().migrationsDirectory("/nonexistent/migrations").build();
        assertThatThrownBy(() -> new SchemaMigrator(stack, "Missing", props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("migrationsDirectory", "/nonexistent/migrations", "not a folder");
    }

    @Test
    void the_custom_resources_props_check_the_timeout_as_the_migrators_props_do() {
        String migration = refusal(() -> validMigration().functionTimeout(Duration.minutes(16)).build());
        String migrator = refusal(() -> valid().timeout(Duration.minutes(16)).build());

        assertThat(migration).isEqualTo(migrator.replace("timeout", "functionTimeout"))
                .contains("functionTimeout", "1 to 15 minutes", "960");
        assertThat(refusal(() -> validMigration().functionTimeout(Duration.seconds(30)).build()))
                .contains("functionTimeout", "30");
    }

    @Test
    void the_custom_resources_props_check_the_deploy_id_as_the_migrators_props_do() {
        assertThat(refusal(() -> validMigration().deployId("commit-0123abc").build()))
                .isEqualTo(refusal(() -> valid().deployId("commit-0123abc").build()))
                .contains("deployId", "ISO-8601 UTC instant", "commit-0123abc");
        assertThat(refusal(() -> validMigration().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE)
                .deployId("2026-11-28T09:15:00Z").build()))
                .isEqualTo(refusal(() -> valid().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE)
                        .deployId("2026-11-28T09:15:00Z").build()))
                .contains("deployId", "MIGRATIONS_CHANGE");
    }

    @Test
    void the_custom_resources_props_keep_a_valid_deploy_id_and_default_to_the_synth_time() {
        assertThat(validMigration().deployId("2026-11-28T09:15:00Z").build().getDeployId())
                .isEqualTo("2026-11-28T09:15:00Z");
        assertThat(validMigration().build().getDeployId()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(validMigration().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE).build().getDeployId()).isNull();
    }
}
