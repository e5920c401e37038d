package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stages' stacks as the default {@code cdk synth} builds them (cdk.json's context only): what each
 * resource promises, and what must never be there. {@code dev}/{@code prod} are the data stacks,
 * {@code devMigrator}/{@code prodMigrator} the migrator stacks.
 */
class SkyliftStageTest {

    @TempDir
    static Path outdir;

    private static TestApps.Synthesized app;
    private static Template dev;
    private static Template prod;
    private static Template devMigrator;
    private static Template prodMigrator;

    @BeforeAll
    static void synthesize() {
        app = TestApps.synth(outdir, Map.of());
        dev = Template.fromStack(app.data("dev"));
        prod = Template.fromStack(app.data("prod"));
        devMigrator = Template.fromStack(app.migrator("dev"));
        prodMigrator = Template.fromStack(app.migrator("prod"));
    }

    // ---- two stacks per stage ------------------------------------------------------------------

    @Test
    void each_stage_is_a_data_stack_and_a_migrator_stack_that_depends_on_it() {
        for (String stage : List.of("dev", "prod")) {
            SkyliftStage s = app.stage(stage);
            assertThat(s.getData().getStackName()).isEqualTo("skylift-" + stage);
            assertThat(s.getMigrator().getStackName()).isEqualTo("skylift-" + stage + "-migrator");
            assertThat(s.getMigrator().getDependencies()).as("stacks the migrator stack depends on")
                    .containsExactly(s.getData());
            assertThat(s.getData().getDependencies()).as("the data stack depends on nothing").isEmpty();
            assertThat(s.getNode().getChildren().stream().filter(c -> c instanceof software.amazon.awscdk.Stack))
                    .as("stacks of the " + stage + " stage").hasSize(2);
        }
    }

    @Test
    void the_data_stack_holds_the_network_cluster_and_secrets_and_nothing_of_the_migrator() {
        for (Template t : List.of(dev, prod)) {
            t.resourceCountIs("AWS::RDS::DBCluster", 1);
            t.resourceCountIs("AWS::EC2::VPC", 1);
            t.resourceCountIs("AWS::SecretsManager::Secret", 2);
            // The alarm topic: a failed first deploy of the migrator stack must not take its subscriptions along.
            t.resourceCountIs("AWS::SNS::Topic", 1);
            t.resourceCountIs("AWS::Lambda::Function", 0);
            t.resourceCountIs("Custom::SkyliftSchemaMigration", 0);
            t.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
            t.resourceCountIs("AWS::CloudWatch::Alarm", 0);
            assertThat(t.toJSON().toString()).as("the data stack reads nothing from another stack")
                    .doesNotContain("Fn::GetStackOutput", "Fn::ImportValue");
        }
        for (Template t : List.of(devMigrator, prodMigrator)) {
            t.resourceCountIs("AWS::RDS::DBCluster", 0);
            t.resourceCountIs("AWS::EC2::VPC", 0);
            t.resourceCountIs("AWS::SNS::Topic", 0);
            // The planner's, which holds only the read-only role's password.
            t.resourceCountIs("AWS::SecretsManager::Secret", 1);
        }
    }

    @Test
    void every_data_stack_is_termination_protected_and_no_migrator_stack_so_a_failed_one_can_be_deleted() {
        // The migrator stack reads the data stack by weak references, which would not stop the data stack's delete.
        assertThat(app.data("prod").getTerminationProtection()).isTrue();
        assertThat(app.data("dev").getTerminationProtection()).isTrue();
        assertThat(app.migrator("prod").getTerminationProtection()).isFalse();
        assertThat(app.migrator("dev").getTerminationProtection()).isFalse();
    }

    /**
     * Every output a stack publishes, by name, is in {@code published-outputs.txt} and stays: a migrator stack still
     * deployed reads the data stack's {@code PublishOutput…} by name ({@code Fn::GetStackOutput}), and operators and
     * the pipeline read the others. A renamed construct renames its published output; this test then names the one
     * that would disappear.
     */
    @Test
    @SuppressWarnings("unchecked")
    void no_published_output_disappears_and_every_new_one_is_recorded() throws java.io.IOException {
        Path recorded = TestApps.ROOT.resolve("infra/src/test/resources/published-outputs.txt");
        List<String> expected = java.nio.file.Files.readAllLines(recorded).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        List<String> actual = new ArrayList<>();
        for (String stage : List.of("dev", "prod")) {
            for (software.amazon.awscdk.Stack stack : List.of(app.data(stage), app.migrator(stage))) {
                ((Map<String, Object>) Template.fromStack(stack).toJSON().get("Outputs")).keySet()
                        .forEach(name -> actual.add(stack.getStackName() + " " + name));
            }
        }
        assertThat(expected).as("outputs of %s that the stacks no longer publish: a deployed stack or an operator"
                + " reads them; keep the construct's id (or publish the old name) rather than drop them", recorded)
                .isSubsetOf(actual);
        assertThat(actual).as("outputs not yet recorded in %s: add them (once recorded, a name stays)", recorded)
                .isSubsetOf(expected);
    }

    @Test
    void every_output_is_kept_and_moves_to_the_stack_that_owns_it() {
        assertThat(dev.toJSON().get("Outputs").toString())
                .contains("DatabaseEndpoint", "DatabaseSecretArn", "AppSecretArn");
        for (String output : List.of("DatabaseEndpoint", "DatabaseSecretArn", "AppSecretArn", "AlarmTopicArn")) {
            dev.hasOutput(output, Map.of("Value", Match.anyValue()));
        }
        for (String output : List.of("SchemaVersion", "MigrationsApplied", "MigratorFunctionArn", "MigratorFunctionName",
                "PlannerFunctionArn", "DashboardName", "ErrorAlarmName", "MigrationFailedAlarmName",
                "SchemaDriftAlarmName", "PlannerErrorAlarmName")) {
            devMigrator.hasOutput(output, Map.of("Value", Match.anyValue()));
        }
    }

    // ---- network -------------------------------------------------------------------------------

    @Test
    void the_network_has_only_isolated_subnets_and_no_nat_gateway_by_default() {
        for (Template t : List.of(dev, prod)) {
            t.resourceCountIs("AWS::EC2::VPC", 1);
            t.resourceCountIs("AWS::EC2::NatGateway", 0);
            t.resourceCountIs("AWS::EC2::InternetGateway", 0);
            t.resourceCountIs("AWS::EC2::EIP", 0);
            t.resourceCountIs("AWS::EC2::Subnet", 2);
            t.allResourcesProperties("AWS::EC2::Subnet", Map.of("MapPublicIpOnLaunch", false));
            t.allResourcesProperties("AWS::EC2::Subnet", Map.of("Tags", Match.arrayWith(List.of(
                    Map.of("Key", "aws-cdk:subnet-type", "Value", "Isolated")))));
            // No route anywhere: an isolated subnet's table has only its implicit local route.
            t.resourceCountIs("AWS::EC2::Route", 0);
        }
    }

    @Test
    void subnets_use_zones_from_get_azs_so_synth_needs_no_lookup() {
        dev.allResourcesProperties("AWS::EC2::Subnet", Map.of(
                "AvailabilityZone", Map.of("Fn::Select", List.of(Match.anyValue(), Map.of("Fn::GetAZs", "")))));
        assertThat(app.assembly().getManifest().getMissing())
                .as("context lookups that would need AWS credentials").isNullOrEmpty();
    }

    @Test
    void the_network_has_an_s3_gateway_endpoint_for_the_response_url_and_a_secrets_manager_interface_endpoint() {
        dev.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of(
                "VpcEndpointType", "Gateway",
                "ServiceName", serviceName("s3"),
                "RouteTableIds", List.of(
                        Map.of("Ref", logicalId(dev, "AWS::EC2::RouteTable", "Network/Vpc/PrivateSubnet1/RouteTable")),
                        Map.of("Ref", logicalId(dev, "AWS::EC2::RouteTable", "Network/Vpc/PrivateSubnet2/RouteTable")))));
        dev.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of(
                "VpcEndpointType", "Interface",
                "ServiceName", serviceName("secretsmanager"),
                "PrivateDnsEnabled", true));
        dev.resourceCountIs("AWS::EC2::VPCEndpoint", 2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void in_the_apps_own_vpc_both_functions_reach_secrets_manager_by_private_dns_and_read_no_list_across_stacks() {
        // The VPC is the app's own: private DNS changes no other workload's path. An endpoint URL read from the data
        // stack would be a weak reference to DnsEntries, a list, which a stack output cannot carry (cfn-lint E1022).
        for (String function : List.of("Migrator/Function", "Migrator/Planner")) {
            Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) properties(devMigrator,
                    "AWS::Lambda::Function", function).get("Environment")).get("Variables");
            assertThat(variables).as(function).doesNotContainKey("AWS_ENDPOINT_URL_SECRETS_MANAGER");
        }
        assertThat(devMigrator.toJSON().toString()).doesNotContain("DnsEntries");
    }

    private static Map<String, Object> serviceName(String service) {
        return Map.of("Fn::Join", List.of("", List.of("com.amazonaws.", Map.of("Ref", "AWS::Region"), "." + service)));
    }

    @Test
    void the_secrets_manager_endpoint_admits_only_the_migrator() {
        String endpointSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Network/Vpc/SecretsManager/SecurityGroup");
        String migratorSg = logicalId(devMigrator, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup");
        dev.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "GroupDescription", Match.stringLikeRegexp(".*SecretsManager.*"),
                "SecurityGroupIngress", Match.absent()));
        List<Map<String, Object>> ingress = ingressTo(devMigrator, fromDevData(Map.of("Fn::GetAtt", List.of(endpointSg,
                "GroupId"))));
        assertThat(ingress).hasSize(1);
        assertThat(ingress.get(0)).containsEntry("FromPort", 443).containsEntry("ToPort", 443)
                .containsEntry("SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(migratorSg, "GroupId")));
    }

    @Test
    void rejected_traffic_is_logged_with_a_retention() {
        dev.resourceCountIs("AWS::EC2::FlowLog", 1);
        dev.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "REJECT",
                "LogDestinationType", "cloud-watch-logs"));
    }

    // ---- database ------------------------------------------------------------------------------

    @Test
    void the_cluster_is_aurora_postgresql_serverless_v2_with_one_writer() {
        for (Template t : List.of(dev, prod)) {
            t.resourceCountIs("AWS::RDS::DBCluster", 1);
            t.hasResourceProperties("AWS::RDS::DBCluster", Map.of(
                    "Engine", "aurora-postgresql",
                    "EngineVersion", "17.9",
                    "StorageEncrypted", true,
                    "BackupRetentionPeriod", 7,
                    "EnableCloudwatchLogsExports", List.of("postgresql"),
                    "EnableIAMDatabaseAuthentication", true,
                    "Port", 5432));
            t.resourceCountIs("AWS::RDS::DBInstance", 1);
            t.hasResourceProperties("AWS::RDS::DBInstance", Map.of(
                    "DBInstanceClass", "db.serverless",
                    "Engine", "aurora-postgresql",
                    "PubliclyAccessible", false,
                    "DBClusterIdentifier", Map.of("Ref", logicalId(t, "AWS::RDS::DBCluster", "Database/Cluster"))));
        }
    }

    @Test
    void dev_may_pause_and_prod_keeps_a_minimum_capacity() {
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("ServerlessV2ScalingConfiguration",
                Map.of("MinCapacity", 0, "MaxCapacity", 2, "SecondsUntilAutoPause", 600)));
        prod.hasResourceProperties("AWS::RDS::DBCluster", Map.of("ServerlessV2ScalingConfiguration",
                Map.of("MinCapacity", 0.5, "MaxCapacity", 4)));
    }

    @Test
    void tls_is_forced_through_the_cluster_parameter_group() {
        dev.hasResourceProperties("AWS::RDS::DBClusterParameterGroup", Map.of(
                "Family", "aurora-postgresql17",
                "Parameters", Map.of("rds.force_ssl", "1")));
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("DBClusterParameterGroupName",
                Map.of("Ref", logicalId(dev, "AWS::RDS::DBClusterParameterGroup", "Database/ClusterParameters"))));
    }

    @Test
    void the_master_password_is_a_generated_secret_never_a_literal() {
        String secret = logicalId(dev, "AWS::SecretsManager::Secret", "Database/Cluster/Secret");
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Map.of("SecretStringTemplate", "{\"username\":\"skylift_admin\"}", "GenerateStringKey", "password",
                        "ExcludeCharacters", Match.anyValue(), "PasswordLength", Match.anyValue())));
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("MasterUserPassword", Map.of("Fn::Join",
                List.of("", List.of("{{resolve:secretsmanager:", Map.of("Ref", secret),
                        ":SecretString:password::}}")))));
    }

    @Test
    void the_application_user_gets_a_generated_password_safe_inside_sql_quotes() {
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString", Map.of(
                "SecretStringTemplate", "{\"username\":\"skylift_app\"}",
                "GenerateStringKey", "password",
                "ExcludeCharacters", " '\"\\@/",
                "PasswordLength", 32)));
    }

    @Test
    void prod_is_protected_and_snapshotted_while_dev_can_be_torn_down_after_its_stacks_protection_is_lifted() {
        prod.hasResource("AWS::RDS::DBCluster", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", true)),
                "DeletionPolicy", "Snapshot",
                "UpdateReplacePolicy", "Snapshot"));
        dev.hasResource("AWS::RDS::DBCluster", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", false)),
                "DeletionPolicy", "Delete"));
    }

    @Test
    void postgresql_logs_go_to_a_log_group_with_a_retention_that_the_cluster_waits_for() {
        String logs = logicalId(dev, "AWS::Logs::LogGroup", "Database/PostgresqlLogs");
        dev.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/rds/cluster/skylift-dev/postgresql", "RetentionInDays", 30));
        dev.hasResource("AWS::RDS::DBCluster", Map.of("DependsOn", Match.arrayWith(List.of(logs)),
                "Properties", Match.objectLike(Map.of("DBClusterIdentifier", "skylift-dev"))));
    }

    @Test
    void postgres_is_open_only_to_the_migrators_security_group_and_never_to_a_cidr() {
        String dbSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Database/SecurityGroup");
        String migratorSg = logicalId(devMigrator, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup");
        List<Map<String, Object>> ingress = ingressTo(devMigrator, fromDevData(Map.of("Fn::GetAtt", List.of(dbSg,
                "GroupId"))));
        assertThat(ingress).as("ingress rules of the database security group").hasSize(1);
        assertThat(ingress.get(0))
                .containsEntry("IpProtocol", "tcp")
                .containsEntry("FromPort", 5432)
                .containsEntry("ToPort", 5432)
                .containsEntry("SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(migratorSg, "GroupId")));
        for (Template t : List.of(dev, prod, devMigrator, prodMigrator)) {
            assertThat(allIngressRules(t))
                    .as("no ingress rule anywhere admits an address range")
                    .allSatisfy(rule -> assertThat(rule).doesNotContainKeys("CidrIp", "CidrIpv6", "SourcePrefixListId"));
        }
    }

    // ---- migrator ------------------------------------------------------------------------------

    @Test
    void the_migrator_is_an_arm64_image_function_in_the_isolated_subnets() {
        devMigrator.resourceCountIs("AWS::Lambda::Function", 2);
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "skylift-dev-migrator",
                "PackageType", "Image",
                "Architectures", List.of("arm64"),
                "Timeout", 600,
                "MemorySize", 1024,
                "Code", Map.of("ImageUri", Match.anyValue()),
                "VpcConfig", Map.of(
                        "SubnetIds", List.of(
                                fromDevData(Map.of("Ref", logicalId(dev, "AWS::EC2::Subnet",
                                        "Network/Vpc/PrivateSubnet1/Subnet"))),
                                fromDevData(Map.of("Ref", logicalId(dev, "AWS::EC2::Subnet",
                                        "Network/Vpc/PrivateSubnet2/Subnet")))),
                        "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(
                                logicalId(devMigrator, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup"), "GroupId"))))));
    }

    @Test
    void the_migrators_image_is_built_the_constructs_way_from_the_repositorys_dockerfile_function_and_migrations()
            throws java.io.IOException {
        Map<String, Object> function = devMigrator.findResources("AWS::Lambda::Function").get(
                logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function"));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) function.get("Metadata");
        assertThat(metadata).containsEntry("aws:asset:dockerfile-path", "Dockerfile")
                .containsEntry("aws:asset:property", "Code.ImageUri");
        Path staged = outdir.resolve("assembly-SkyliftPipeline-Dev").resolve((String) metadata.get("aws:asset:path"))
                .normalize();
        // One way to build the image: the context the construct stages, for our app as for adopters.
        assertThat(staged.resolve("Dockerfile")).hasSameTextualContentAs(TestApps.ROOT.resolve("Dockerfile"));
        try (var files = java.nio.file.Files.list(TestApps.ROOT.resolve("migrations"))) {
            for (Path migration : files.toList()) {
                assertThat(staged.resolve("migrations").resolve(migration.getFileName().toString()))
                        .hasSameBinaryContentAs(migration);
            }
        }
        // The rest of the context (the function's lib/, the training run, the bootstrap) is the construct's, tested there
        // (SchemaMigratorTest); the Dockerfile carried out on it is the image module's test (DockerfileImageIT).
        Map<String, Object> assets = TestApps.readJson(outdir.resolve("assembly-SkyliftPipeline-Dev")
                .resolve(app.migrator("dev").getArtifactId() + ".assets.json"));
        assertThat(assets.get("dockerImages").toString()).contains("platform=linux/arm64");
    }

    @Test
    void the_migrator_gets_the_database_secret_and_the_application_password_placeholder() {
        String master = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/Cluster/Secret/Attachment");
        String app = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/AppSecret/Attachment");
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DB_SECRET_ARN", fromDevData(Map.of("Ref", master)),
                "PLACEHOLDER_SECRET_APP_PASSWORD", Map.of("Fn::Join", List.of("", List.of(
                        fromDevData(Map.of("Ref", app)), "#password")))))));
    }

    @Test
    void the_migrator_may_read_exactly_its_two_secrets_and_the_planners_and_the_planner_only_its_own() {
        String master = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/Cluster/Secret/Attachment");
        String app = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/AppSecret/Attachment");
        String planner = logicalId(devMigrator, "AWS::SecretsManager::SecretTargetAttachment",
                "Migrator/PlannerSecret/Attachment");
        for (Template t : List.of(devMigrator, prodMigrator)) {
            for (Map<String, Object> statement : statements(t)) {
                if (actions(statement).stream().anyMatch(a -> a.startsWith("secretsmanager:") || a.equals("*"))) {
                    assertThat(statement.get("Resource")).as("secretsmanager resources").isNotEqualTo("*")
                            .asString().doesNotContain("*");
                }
            }
        }
        assertThat(secretsReadBy(devMigrator, "Migrator/Function")).containsExactlyInAnyOrder(
                fromDevData(Map.of("Ref", master)), fromDevData(Map.of("Ref", app)), Map.of("Ref", planner));
        assertThat(secretsReadBy(devMigrator, "Migrator/Planner")).containsExactly(Map.of("Ref", planner));
    }

    @Test
    void the_planner_is_the_same_image_fixed_to_the_read_commands_with_its_own_secret_only() {
        String planner = logicalId(devMigrator, "AWS::SecretsManager::SecretTargetAttachment",
                "Migrator/PlannerSecret/Attachment");
        Map<String, Object> migratorFunction = properties(devMigrator, "AWS::Lambda::Function", "Migrator/Function");
        Map<String, Object> plannerFunction = properties(devMigrator, "AWS::Lambda::Function", "Migrator/Planner");
        assertThat(plannerFunction).containsEntry("FunctionName", "skylift-dev-planner")
                .containsEntry("Code", migratorFunction.get("Code"))
                .containsEntry("VpcConfig", migratorFunction.get("VpcConfig"))
                .containsEntry("Environment", Map.of("Variables", Map.of(
                        "DB_SECRET_ARN", Map.of("Ref", planner),
                        "SKYLIFT_COMMANDS", "plan,lint,info,validate,drift")));
        // Its secret names the read-only role and the database; the attachment adds the cluster's host and port.
        devMigrator.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Match.objectLike(Map.of("SecretStringTemplate",
                        "{\"username\":\"skylift_planner\",\"dbname\":\"skylift\"}"))));
        devMigrator.hasResourceProperties("AWS::SecretsManager::SecretTargetAttachment", Map.of(
                "TargetType", "AWS::RDS::DBCluster",
                "TargetId", fromDevData(Map.of("Ref", logicalId(dev, "AWS::RDS::DBCluster", "Database/Cluster")))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_migrator_keeps_the_planners_role_and_carries_the_custom_resources_deploy_id() {
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) properties(devMigrator,
                "AWS::Lambda::Function", "Migrator/Function").get("Environment")).get("Variables");
        assertThat(variables).containsEntry("SKYLIFT_DEPLOY_ID", "2026-01-02T03:04:05Z")
                .containsEntry("PLANNER_SECRET_ARN", Map.of("Ref", logicalId(devMigrator,
                        "AWS::SecretsManager::SecretTargetAttachment", "Migrator/PlannerSecret/Attachment")));
        devMigrator.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of("DeployId", "2026-01-02T03:04:05Z"));
    }

    @Test
    void a_queued_event_is_never_retried_and_dropped_after_two_minutes() {
        // The migrator's; the planner's (invoked synchronously) only turns retries off.
        devMigrator.resourceCountIs("AWS::Lambda::EventInvokeConfig", 2);
        devMigrator.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function")),
                "Qualifier", "$LATEST",
                "MaximumRetryAttempts", 0,
                "MaximumEventAgeInSeconds", 120));
    }

    @Test
    void the_migrator_keeps_its_logs_for_a_month() {
        devMigrator.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/lambda/skylift-dev-migrator", "RetentionInDays", 30));
        devMigrator.hasResourceProperties("AWS::Lambda::Function", Map.of("LoggingConfig", Map.of("LogGroup",
                Map.of("Ref", logicalId(devMigrator, "AWS::Logs::LogGroup", "Migrator/Logs")))));
    }

    // ---- monitoring ----------------------------------------------------------------------------

    @Test
    void an_alarm_watches_the_functions_own_migration_failed_metric_and_notifies_the_topic() {
        String function = logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function");
        Object topic = fromDevData(Map.of("Ref", logicalId(dev, "AWS::SNS::Topic", "AlarmTopic/Topic")));
        devMigrator.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Skylift",
                "MetricName", "MigrationFailed",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", function))),
                "Statistic", "Sum",
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(topic)));
    }

    @Test
    void an_alarm_watches_lambdas_errors_and_notifies_the_same_topic() {
        String function = logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function");
        Object topic = fromDevData(Map.of("Ref", logicalId(dev, "AWS::SNS::Topic", "AlarmTopic/Topic")));
        devMigrator.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Namespace", "AWS/Lambda",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", function))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(topic)));
        devMigrator.resourceCountIs("AWS::CloudWatch::Alarm", 4);
    }

    // ---- drift ---------------------------------------------------------------------------------

    @Test
    void every_stage_checks_its_drift_daily_by_invoking_its_planner_with_the_drift_command_once() {
        for (Template t : List.of(devMigrator, prodMigrator)) {
            String planner = logicalId(t, "AWS::Lambda::Function", "Migrator/Planner");
            Map<String, Object> plannerArn = Map.of("Fn::GetAtt", List.of(planner, "Arn"));
            t.resourceCountIs("AWS::Scheduler::Schedule", 1);
            t.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                    "ScheduleExpression", "cron(0 6 * * ? *)",
                    "State", "ENABLED",
                    "Target", Match.objectLike(Map.of(
                            "Arn", plannerArn,
                            "Input", "{\"command\":\"drift\"}",
                            "RetryPolicy", Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 3600)))));
            // The schedule's role may invoke the planner and nothing else (never the migrator).
            t.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("Policies", List.of(Map.of(
                    "PolicyName", "InvokeForDrift",
                    "PolicyDocument", Match.objectLike(Map.of("Statement", List.of(Map.of(
                            "Action", "lambda:InvokeFunction", "Effect", "Allow", "Resource", plannerArn)))))))));
        }
    }

    @Test
    void an_alarm_on_the_planners_schema_drift_metric_notifies_the_topic_and_stays_until_a_check_finds_none() {
        String planner = logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Planner");
        Object topic = fromDevData(Map.of("Ref", logicalId(dev, "AWS::SNS::Topic", "AlarmTopic/Topic")));
        devMigrator.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Skylift",
                "MetricName", "SchemaDrift",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", planner))),
                "Statistic", "Maximum",
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "ignore",
                "AlarmActions", List.of(topic),
                "OKActions", List.of(topic)));
    }

    @Test
    void a_drift_check_that_fails_shows_on_an_alarm_on_the_planners_errors() {
        String planner = logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Planner");
        Object topic = fromDevData(Map.of("Ref", logicalId(dev, "AWS::SNS::Topic", "AlarmTopic/Topic")));
        devMigrator.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Namespace", "AWS/Lambda",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", planner))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(topic)));
    }

    @Test
    void the_command_the_drift_schedule_sends_is_one_the_function_knows() throws java.io.IOException {
        // The metric names are the contract module's, which the function and the construct both use.
        String command = java.nio.file.Files.readString(TestApps.ROOT.resolve(
                "function/src/main/java/io/skylift/migrator/invocation/Command.java"));
        assertThat(command).as("the command the schedule sends").containsPattern("\\bDRIFT\\b");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_alarm_topic_lives_in_the_data_stack_named_encrypted_with_a_rotated_key_that_cloud_watch_may_use_and_refuses_plain_http() {
        String key = logicalId(dev, "AWS::KMS::Key", "AlarmTopic/Key");
        dev.hasResourceProperties("AWS::SNS::Topic", Map.of(
                "TopicName", "skylift-dev-alarms",
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn"))));
        dev.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true,
                "KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount",
                                Map.of("Ref", "AWS::AccountId"))))))))));
        dev.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        dev.hasOutput("AlarmTopicArn", Map.of("Value", Map.of("Ref",
                logicalId(dev, "AWS::SNS::Topic", "AlarmTopic/Topic"))));
    }

    @Test
    void the_dashboard_shows_both_alarms_and_the_migrators_metrics() {
        Map<String, Object> dashboard = devMigrator.findResources("AWS::CloudWatch::Dashboard").values().iterator().next();
        String body = dashboard.toString();
        assertThat(body).contains("\"AWS/Lambda\",\"Invocations\"", "\"AWS/Lambda\",\"Errors\"",
                "\"AWS/Lambda\",\"Duration\"", "\"Skylift\",\"MigrationsApplied\",\"FunctionName\"",
                "\"Skylift\",\"MigrationDuration\"", "\"Skylift\",\"MigrationFailed\"");
        assertThat(body).as("alarm status widget").contains("\"type\":\"alarm\"",
                logicalId(devMigrator, "AWS::CloudWatch::Alarm", "Monitoring/MigrationFailed"),
                logicalId(devMigrator, "AWS::CloudWatch::Alarm", "Monitoring/Errors"));
    }

    // ---- custom resource -----------------------------------------------------------------------

    @Test
    void the_custom_resource_is_answered_by_the_migrator_itself() {
        devMigrator.resourceCountIs("Custom::SkyliftSchemaMigration", 1);
        devMigrator.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of(
                "ServiceToken", Map.of("Fn::GetAtt", List.of(logicalId(devMigrator, "AWS::Lambda::Function",
                        "Migrator/Function"), "Arn"))));
        // No provider framework: the only functions in the stack are the migrator and the planner.
        assertThat(devMigrator.findResources("AWS::Lambda::Function").values().stream()
                .map(f -> String.valueOf(((Map<?, ?>) f.get("Properties")).get("FunctionName"))).toList())
                .containsExactlyInAnyOrder("skylift-dev-migrator", "skylift-dev-planner");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_custom_resource_is_the_last_resource_of_its_stack_depending_on_every_other() {
        for (Template t : List.of(devMigrator, prodMigrator)) {
            Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) t.toJSON().get("Resources");
            String migration = logicalId(t, "Custom::SkyliftSchemaMigration", "SchemaMigration");
            List<String> others = resources.entrySet().stream()
                    .filter(e -> !e.getKey().equals(migration) && !"AWS::CDK::Metadata".equals(e.getValue().get("Type")))
                    .map(Map.Entry::getKey).toList();
            assertThat(others).as("alarms, dashboard, planner, permissions, ...").hasSizeGreaterThan(15)
                    .contains(logicalId(t, "AWS::CloudWatch::Alarm", "Monitoring/MigrationFailed"),
                            logicalId(t, "AWS::CloudWatch::Dashboard", "Monitoring/Dashboard"),
                            logicalId(t, "AWS::Lambda::Function", "Migrator/Planner"));
            assertThat((List<String>) resources.get(migration).get("DependsOn")).containsAll(others);
        }
    }

    @Test
    void the_custom_resources_deploy_id_is_the_deploys_time_as_an_iso_utc_instant() {
        devMigrator.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of("DeployId", "2026-01-02T03:04:05Z"));
    }

    @Test
    void the_custom_resource_waits_as_long_as_the_function_after_the_longest_an_event_may_queue() {
        Map<String, Object> resource = devMigrator.findResources("Custom::SkyliftSchemaMigration").values().iterator().next();
        @SuppressWarnings("unchecked")
        Object timeout = ((Map<String, Object>) resource.get("Properties")).get("ServiceTimeout");
        assertThat(Integer.parseInt(timeout.toString())).as("ServiceTimeout (s): 600 s function + 120 s event age")
                .isEqualTo(720);
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_custom_resource_waits_for_the_function_its_permissions_and_both_ingress_rules() {
        Map<String, Object> resource = devMigrator.findResources("Custom::SkyliftSchemaMigration").values().iterator().next();
        assertThat((List<Object>) resource.get("DependsOn")).as("DependsOn of the custom resource").contains(
                logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function"),
                logicalId(devMigrator, "AWS::IAM::Policy", "Migrator/Function/ServiceRole/DefaultPolicy"),
                logicalId(devMigrator, "AWS::Lambda::EventInvokeConfig", "Migrator/Function/EventInvokeConfig"),
                logicalId(devMigrator, "AWS::EC2::SecurityGroupIngress", "Migrator/DatabaseIngress"),
                logicalId(devMigrator, "AWS::EC2::SecurityGroupIngress", "Migrator/SecretsManagerIngress"));
    }

    @Test
    void what_the_migration_needs_from_the_data_stack_is_deployed_before_it() {
        // A dependency on a resource of another stack is a dependency on that stack: the cluster, its writer, the
        // secrets and both endpoints are complete before the migrator stack starts.
        for (String type : List.of("AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::EC2::VPCEndpoint",
                "AWS::SecretsManager::SecretTargetAttachment")) {
            assertThat(dev.findResources(type)).as(type + " in the data stack").isNotEmpty();
        }
        dev.resourceCountIs("AWS::EC2::VPCEndpoint", 2);
        assertThat(app.assembly().getStackArtifact(app.migrator("dev").getArtifactId()).getDependencies())
                .extracting(a -> a.getId()).contains(app.data("dev").getArtifactId());
    }

    @Test
    void the_outputs_carry_the_schema_version_and_the_migrations_applied() {
        String resource = logicalId(devMigrator, "Custom::SkyliftSchemaMigration", "SchemaMigration");
        devMigrator.hasOutput("SchemaVersion", Map.of("Value", Map.of("Fn::GetAtt", List.of(resource, "SchemaVersion"))));
        devMigrator.hasOutput("MigrationsApplied", Map.of("Value", Map.of("Fn::GetAtt", List.of(resource, "MigrationsApplied"))));
        devMigrator.hasOutput("MigratorFunctionArn", Map.of("Value", Map.of("Fn::GetAtt", List.of(
                logicalId(devMigrator, "AWS::Lambda::Function", "Migrator/Function"), "Arn"))));
        devMigrator.hasOutput("MigratorFunctionName", Map.of("Value", Match.anyValue()));
        dev.hasOutput("DatabaseSecretArn", Map.of("Value", Match.anyValue()));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The logical id of the one resource of {@code type} whose construct path ends with {@code pathSuffix}. */
    static String logicalId(Template template, String type, String pathSuffix) {
        List<String> ids = template.findResources(type).entrySet().stream()
                .filter(e -> {
                    Object metadata = e.getValue().get("Metadata");
                    String path = metadata instanceof Map<?, ?> m ? String.valueOf(m.get("aws:cdk:path")) : "";
                    return path.endsWith("/" + pathSuffix + "/Resource") || path.endsWith("/" + pathSuffix)
                            || path.endsWith("/" + pathSuffix + "/Resource/Default");
                })
                .map(Map.Entry::getKey)
                .toList();
        assertThat(ids).as(type + " at " + pathSuffix).hasSize(1);
        return ids.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Template t, String type, String pathSuffix) {
        return (Map<String, Object>) t.findResources(type).get(logicalId(t, type, pathSuffix)).get("Properties");
    }

    /** The secrets the policies of the role of the function at {@code functionPath} allow reading. */
    @SuppressWarnings("unchecked")
    private static List<Object> secretsReadBy(Template t, String functionPath) {
        Object role = ((Map<String, Object>) properties(t, "AWS::Lambda::Function", functionPath).get("Role"))
                .get("Fn::GetAtt");
        String roleId = (String) ((List<Object>) role).get(0);
        List<Object> secrets = new ArrayList<>();
        t.findResources("AWS::IAM::Policy").values().forEach(policy -> {
            Map<String, Object> properties = (Map<String, Object>) policy.get("Properties");
            if (((List<Object>) properties.get("Roles")).contains(Map.of("Ref", roleId))) {
                for (Map<String, Object> statement : (List<Map<String, Object>>) ((Map<String, Object>) properties
                        .get("PolicyDocument")).get("Statement")) {
                    if (actions(statement).stream().anyMatch(a -> a.startsWith("secretsmanager:"))) {
                        Object resource = statement.get("Resource");
                        secrets.addAll(resource instanceof List<?> list ? list : List.of(resource));
                    }
                }
            }
        });
        return secrets;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> ingressTo(Template t, Object groupId) {
        return t.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(r -> (Map<String, Object>) r.get("Properties"))
                .filter(p -> groupId.equals(p.get("GroupId")))
                .toList();
    }

    /**
     * How the dev migrator stack reads {@code value} (an expression of the dev data stack): a weak reference,
     * {@code Fn::GetStackOutput} of the data stack's output that publishes it (cdk.json's
     * {@code @aws-cdk/core:defaultCrossStackReferences}), so the data stack exports nothing it cannot change.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fromDevData(Object value) {
        Map<String, Object> outputs = (Map<String, Object>) dev.toJSON().get("Outputs");
        List<String> names = outputs.entrySet().stream()
                .filter(e -> e.getKey().startsWith("PublishOutput"))
                .filter(e -> value.equals(((Map<String, Object>) e.getValue()).get("Value")))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(names).as("outputs of the data stack publishing " + value).hasSize(1);
        return Map.of("Fn::GetStackOutput", Map.of("StackName", "skylift-dev",
                "Region", Map.of("Ref", "AWS::Region"), "OutputName", names.get(0)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> allIngressRules(Template t) {
        List<Map<String, Object>> rules = new ArrayList<>();
        t.findResources("AWS::EC2::SecurityGroupIngress").values()
                .forEach(r -> rules.add((Map<String, Object>) r.get("Properties")));
        t.findResources("AWS::EC2::SecurityGroup").values().forEach(r -> {
            Object inline = ((Map<String, Object>) r.get("Properties")).get("SecurityGroupIngress");
            if (inline instanceof List<?> list) {
                list.forEach(rule -> rules.add((Map<String, Object>) rule));
            }
        });
        return rules;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(Template t) {
        List<Map<String, Object>> all = new ArrayList<>();
        t.findResources("AWS::IAM::Policy").values().forEach(policy -> {
            Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties"))
                    .get("PolicyDocument");
            all.addAll((List<Map<String, Object>>) document.get("Statement"));
        });
        return all;
    }

    static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(action));
    }
}
