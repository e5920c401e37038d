package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
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
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The custom resource's props check the timeout and the deploy id as the migrator's props do, with the same messages:
 * one check serves both, whichever construct a team uses.
 */
class SchemaMigrationPropsTest {

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

    private static SchemaMigrationProps.Builder migration() {
        return SchemaMigrationProps.builder().function(function).functionTimeout(Duration.minutes(10));
    }

    private static SchemaMigratorProps.Builder migrator() {
        return SchemaMigratorProps.builder()
                .vpc(vpc)
                .database(SecurityGroup.fromSecurityGroupId(stack, "Db" + System.nanoTime(), "sg-1"))
                .databaseSecret(Secret.fromSecretNameV2(stack, "Secret" + System.nanoTime(), "db"))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString());
    }

    private static String refusal(Runnable build) {
        Throwable thrown = catchThrowable(build::run);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        return thrown.getMessage();
    }

    @Test
    void a_timeout_beyond_lambdas_ceiling_is_refused_as_by_the_migrators_props() {
        String migration = refusal(() -> migration().functionTimeout(Duration.minutes(16)).build());
        String migrator = refusal(() -> migrator().timeout(Duration.minutes(16)).build());

        assertThat(migration).isEqualTo(migrator.replace("timeout", "functionTimeout"))
                .contains("functionTimeout", "1 to 15 minutes", "960");
        assertThat(refusal(() -> migration().functionTimeout(Duration.seconds(30)).build()))
                .contains("functionTimeout", "30");
    }

    @Test
    void a_deploy_id_is_checked_as_by_the_migrators_props() {
        assertThat(refusal(() -> migration().deployId("commit-0123abc").build()))
                .isEqualTo(refusal(() -> migrator().deployId("commit-0123abc").build()))
                .contains("deployId", "ISO-8601 UTC instant", "commit-0123abc");
        assertThat(refusal(() -> migration().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE)
                .deployId("2026-11-28T09:15:00Z").build()))
                .isEqualTo(refusal(() -> migrator().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE)
                        .deployId("2026-11-28T09:15:00Z").build()))
                .contains("deployId", "MIGRATIONS_CHANGE");
    }

    @Test
    void a_valid_deploy_id_is_kept_and_an_unset_one_is_the_synth_time() {
        assertThat(migration().deployId("2026-11-28T09:15:00Z").build().getDeployId())
                .isEqualTo("2026-11-28T09:15:00Z");
        assertThat(migration().build().getDeployId()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(migration().migrateOn(MigrationTrigger.MIGRATIONS_CHANGE).build().getDeployId()).isNull();
    }
}
