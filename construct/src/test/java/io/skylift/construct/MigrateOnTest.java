package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * {@code migrateOn}: every deploy (a DeployId per deploy) or only when the migrations change (no DeployId, the
 * migrations' digest in the custom resource's logical id, so a change replaces the resource and never updates it).
 */
class MigrateOnTest {

    private static final String RESOURCE = SchemaMigration.RESOURCE_TYPE;

    @TempDir
    Path work;

    @Test
    void by_default_every_deploy_migrates_with_a_deploy_id() throws IOException {
        Template template = synth(migrations("a"), (MigrationTrigger) null);
        template.hasResourceProperties(RESOURCE, Map.of(SchemaMigration.DEPLOY_ID, "2026-11-28T09:15:00Z"));
        assertThat(template.findResources(RESOURCE).keySet()).singleElement().asString()
                .startsWith("MigratorSchemaMigration");
    }

    @Test
    void only_when_migrations_change_the_custom_resource_carries_no_deploy_id() throws IOException {
        Template template = synth(migrations("a"), MigrationTrigger.MIGRATIONS_CHANGE);
        template.resourceCountIs(RESOURCE, 1);
        assertThat(properties(template)).containsOnlyKeys("ServiceToken", "ServiceTimeout");
    }

    @Test
    void the_same_migrations_give_identical_templates() throws IOException {
        Path migrations = migrations("a");
        Template first = synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE);
        Template second = synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE);
        assertThat(second.toJSON()).isEqualTo(first.toJSON());
    }

    @Test
    void changing_one_migration_file_changes_the_custom_resources_logical_id() throws IOException {
        Path migrations = migrations("a");
        String before = logicalId(synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE));
        Files.writeString(migrations.resolve("V2__b.sql"), "CREATE TABLE b (id int, note text);\n");
        String after = logicalId(synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE));
        assertThat(after).isNotEqualTo(before).startsWith("MigratorSchemaMigration");
    }

    @Test
    void pointing_the_migrator_at_another_cluster_secret_or_database_changes_the_custom_resources_logical_id()
            throws IOException {
        Path migrations = migrations("a");
        String before = logicalId(synth(migrations, (stack, props) -> props));
        assertThat(logicalId(synth(migrations, (stack, props) -> props))).as("the same target").isEqualTo(before);
        assertThat(logicalId(synth(migrations, (stack, props) -> props.databaseName("orders_eu"))))
                .as("another database").isNotEqualTo(before);
        assertThat(logicalId(synth(migrations, (stack, props) -> props.databaseSecret(Secret.fromSecretCompleteArn(
                stack, "OtherSecret", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-eu-db-XyZaBc")))))
                .as("another secret").isNotEqualTo(before);
        assertThat(logicalId(synth(migrations, (stack, props) -> props.database(DatabaseCluster
                .fromDatabaseClusterAttributes(stack, "OtherCluster", DatabaseClusterAttributes.builder()
                        .clusterIdentifier("orders-eu")
                        .clusterEndpointAddress("orders-eu.cluster-xyz.eu-west-1.rds.amazonaws.com")
                        .port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "OtherSg",
                                "sg-0db0000000000000b")))
                        .build())))))
                .as("another cluster").isNotEqualTo(before);
        assertThat(logicalId(synth(migrations, (stack, props) -> props.placeholders(Map.of("region_name", "EU")))))
                .as("another placeholder value").isNotEqualTo(before);
    }

    @Test
    void without_a_target_the_digest_is_the_migrations_alone() throws IOException {
        Path migrations = migrations("a");
        assertThat(MigrationsDigest.of(migrations.toString(), Map.of()))
                .isEqualTo(MigrationsDigest.of(migrations.toString()));
        assertThat(MigrationsDigest.of(migrations.toString(), Map.of("DB_HOST", "a")))
                .isNotEqualTo(MigrationsDigest.of(migrations.toString(), Map.of("DB_HOST", "b")))
                .isNotEqualTo(MigrationsDigest.of(migrations.toString()));
    }

    @Test
    void the_digest_ignores_modification_times_and_counts_names_and_content() throws IOException {
        Path migrations = migrations("a");
        String digest = MigrationsDigest.of(migrations.toString());
        String logicalId = logicalId(synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE));
        Files.setLastModifiedTime(migrations.resolve("V1__a.sql"),
                FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        assertThat(MigrationsDigest.of(migrations.toString())).isEqualTo(digest).hasSize(MigrationsDigest.LENGTH);
        assertThat(logicalId(synth(migrations, MigrationTrigger.MIGRATIONS_CHANGE))).isEqualTo(logicalId);

        Files.move(migrations.resolve("V2__b.sql"), migrations.resolve("V3__b.sql"));
        assertThat(MigrationsDigest.of(migrations.toString())).isNotEqualTo(digest);
        assertThatThrownBy(() -> MigrationsDigest.of(work.resolve("missing").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migrationsDirectory");
    }

    @Test
    void the_getters_read_the_current_resources_attributes() throws IOException {
        Template template = synth(migrations("a"), MigrationTrigger.MIGRATIONS_CHANGE);
        String id = logicalId(template);
        template.hasOutput("SchemaVersion", Map.of("Value", Map.of("Fn::GetAtt", List.of(id, "SchemaVersion"))));
        template.hasOutput("MigrationsApplied",
                Map.of("Value", Map.of("Fn::GetAtt", List.of(id, "MigrationsApplied"))));
    }

    @Test
    void a_deploy_id_with_migrations_change_is_refused() throws IOException {
        Path migrations = migrations("a");
        assertThatThrownBy(() -> props(new Stack(new App(), "S"), migrations)
                .migrateOn(MigrationTrigger.MIGRATIONS_CHANGE).deployId("2026-11-28T09:15:00Z").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deployId").hasMessageContaining("MIGRATIONS_CHANGE");
    }

    private Path migrations(String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("V1__a.sql"), "CREATE TABLE a (id int);\n");
        Files.writeString(dir.resolve("V2__b.sql"), "CREATE TABLE b (id int);\n");
        return dir;
    }

    /** With MIGRATIONS_CHANGE, the props {@code change} returns. */
    private static Template synth(Path migrations,
            BiFunction<Stack, SchemaMigratorProps.Builder, SchemaMigratorProps.Builder> change) {
        Stack stack = new Stack(new App(), "Orders");
        SchemaMigratorProps.Builder props = change.apply(stack, props(stack, migrations)
                .migrateOn(MigrationTrigger.MIGRATIONS_CHANGE));
        new SchemaMigrator(stack, "Migrator", props.build());
        return Template.fromStack(stack);
    }

    private static Template synth(Path migrations, MigrationTrigger migrateOn) {
        Stack stack = new Stack(new App(), "Orders");
        SchemaMigratorProps.Builder props = props(stack, migrations);
        if (migrateOn == null) {
            props.deployId("2026-11-28T09:15:00Z");
        } else {
            props.migrateOn(migrateOn);
        }
        SchemaMigrator migrator = new SchemaMigrator(stack, "Migrator", props.build());
        CfnOutput.Builder.create(stack, "SchemaVersion").value(migrator.getSchemaVersion()).build();
        CfnOutput.Builder.create(stack, "MigrationsApplied").value(migrator.getMigrationsApplied()).build();
        return Template.fromStack(stack);
    }

    private static SchemaMigratorProps.Builder props(Stack stack, Path migrations) {
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .privateSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
        return SchemaMigratorProps.builder()
                .vpc(vpc)
                .database(DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                        DatabaseClusterAttributes.builder()
                                .clusterIdentifier("orders")
                                .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg",
                                        "sg-0db0000000000000a")))
                                .build()))
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "DbSecret",
                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-db-AbCdEf"))
                .migrationsDirectory(migrations.toString());
    }

    private static String logicalId(Template template) {
        Set<String> ids = template.findResources(RESOURCE).keySet();
        assertThat(ids).hasSize(1);
        return ids.iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Template template) {
        Map<String, Object> resource = template.findResources(RESOURCE).values().iterator().next();
        return (Map<String, Object>) resource.get("Properties");
    }
}
