package io.skylift.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The names are a contract with what is already deployed (stacks, alarms, dashboards) and with operators' runbooks:
 * renaming one here would pass every test of the construct and the function, which both read it from here, and break
 * those. Changing one is a breaking release, and this test says so.
 */
class ContractNamesTest {

    @Test
    void the_environment_variables_keep_their_documented_names() {
        assertThat(EnvironmentVariables.DB_SECRET_ARN).isEqualTo("DB_SECRET_ARN");
        assertThat(EnvironmentVariables.DB_HOST).isEqualTo("DB_HOST");
        assertThat(EnvironmentVariables.DB_PORT).isEqualTo("DB_PORT");
        assertThat(EnvironmentVariables.DB_NAME).isEqualTo("DB_NAME");
        assertThat(EnvironmentVariables.DB_IAM_USER).isEqualTo("DB_IAM_USER");
        assertThat(EnvironmentVariables.PLACEHOLDER_SECRET_PREFIX).isEqualTo("PLACEHOLDER_SECRET_");
        assertThat(EnvironmentVariables.SKYLIFT_COMMANDS).isEqualTo("SKYLIFT_COMMANDS");
        assertThat(EnvironmentVariables.SKYLIFT_DEPLOY_ID).isEqualTo("SKYLIFT_DEPLOY_ID");
        assertThat(EnvironmentVariables.PLANNER_SECRET_ARN).isEqualTo("PLANNER_SECRET_ARN");
    }

    @Test
    void the_custom_resource_keeps_its_type_property_and_attributes() {
        assertThat(SchemaMigrationResource.TYPE).isEqualTo("Custom::SkyliftSchemaMigration");
        assertThat(SchemaMigrationResource.DEPLOY_ID).isEqualTo("DeployId");
        assertThat(SchemaMigrationResource.SCHEMA_VERSION).isEqualTo("SchemaVersion");
        assertThat(SchemaMigrationResource.MIGRATIONS_APPLIED).isEqualTo("MigrationsApplied");
    }

    @Test
    void the_metrics_keep_their_namespace_dimension_and_names() {
        assertThat(Metrics.NAMESPACE).isEqualTo("Skylift");
        assertThat(Metrics.FUNCTION_NAME_DIMENSION).isEqualTo("FunctionName");
        assertThat(Metrics.MIGRATIONS_APPLIED).isEqualTo("MigrationsApplied");
        assertThat(Metrics.MIGRATION_DURATION).isEqualTo("MigrationDuration");
        assertThat(Metrics.MIGRATION_FAILED).isEqualTo("MigrationFailed");
        assertThat(Metrics.SCHEMA_DRIFT).isEqualTo("SchemaDrift");
    }
}
