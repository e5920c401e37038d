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
 * The stage stacks as the default {@code cdk synth} builds them (cdk.json's context only): what each
 * resource promises, and what must never be there.
 */
class SkyliftStackTest {

    @TempDir
    static Path outdir;

    private static TestApps.Synthesized app;
    private static Template dev;
    private static Template prod;

    @BeforeAll
    static void synthesize() {
        app = TestApps.synth(outdir, Map.of());
        dev = Template.fromStack(app.stack("dev"));
        prod = Template.fromStack(app.stack("prod"));
    }

    // ---- network -------------------------------------------------------------------------------

    @Test
    void theNetworkHasOnlyIsolatedSubnetsAndNoNatGatewayByDefault() {
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
    void subnetsUseZonesFromGetAzsSoSynthNeedsNoLookup() {
        dev.allResourcesProperties("AWS::EC2::Subnet", Map.of(
                "AvailabilityZone", Map.of("Fn::Select", List.of(Match.anyValue(), Map.of("Fn::GetAZs", "")))));
        assertThat(app.assembly().getManifest().getMissing())
                .as("context lookups that would need AWS credentials").isNullOrEmpty();
    }

    @Test
    void theNetworkHasAnS3GatewayEndpointForTheResponseUrlAndASecretsManagerInterfaceEndpoint() {
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

    private static Map<String, Object> serviceName(String service) {
        return Map.of("Fn::Join", List.of("", List.of("com.amazonaws.", Map.of("Ref", "AWS::Region"), "." + service)));
    }

    @Test
    void theSecretsManagerEndpointAdmitsOnlyTheMigrator() {
        String endpointSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Network/Vpc/SecretsManager/SecurityGroup");
        String migratorSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup");
        dev.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "GroupDescription", Match.stringLikeRegexp(".*SecretsManager.*"),
                "SecurityGroupIngress", Match.absent()));
        List<Map<String, Object>> ingress = ingressTo(dev, endpointSg);
        assertThat(ingress).hasSize(1);
        assertThat(ingress.get(0)).containsEntry("FromPort", 443)
                .containsEntry("SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(migratorSg, "GroupId")));
    }

    @Test
    void rejectedTrafficIsLoggedWithARetention() {
        dev.resourceCountIs("AWS::EC2::FlowLog", 1);
        dev.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "REJECT",
                "LogDestinationType", "cloud-watch-logs"));
    }

    // ---- database ------------------------------------------------------------------------------

    @Test
    void theClusterIsAuroraPostgresqlServerlessV2WithOneWriter() {
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
    void devMayPauseAndProdKeepsAMinimumCapacity() {
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("ServerlessV2ScalingConfiguration",
                Map.of("MinCapacity", 0, "MaxCapacity", 2, "SecondsUntilAutoPause", 600)));
        prod.hasResourceProperties("AWS::RDS::DBCluster", Map.of("ServerlessV2ScalingConfiguration",
                Map.of("MinCapacity", 0.5, "MaxCapacity", 4)));
    }

    @Test
    void tlsIsForcedThroughTheClusterParameterGroup() {
        dev.hasResourceProperties("AWS::RDS::DBClusterParameterGroup", Map.of(
                "Family", "aurora-postgresql17",
                "Parameters", Map.of("rds.force_ssl", "1")));
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("DBClusterParameterGroupName",
                Map.of("Ref", logicalId(dev, "AWS::RDS::DBClusterParameterGroup", "Database/ClusterParameters"))));
    }

    @Test
    void theMasterPasswordIsAGeneratedSecretNeverALiteral() {
        String secret = logicalId(dev, "AWS::SecretsManager::Secret", "Database/Cluster/Secret");
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Map.of("SecretStringTemplate", "{\"username\":\"postgres\"}", "GenerateStringKey", "password",
                        "ExcludeCharacters", Match.anyValue(), "PasswordLength", Match.anyValue())));
        dev.hasResourceProperties("AWS::RDS::DBCluster", Map.of("MasterUserPassword", Map.of("Fn::Join",
                List.of("", List.of("{{resolve:secretsmanager:", Map.of("Ref", secret),
                        ":SecretString:password::}}")))));
    }

    @Test
    void theApplicationUserGetsAGeneratedPasswordSafeInsideSqlQuotes() {
        dev.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString", Map.of(
                "SecretStringTemplate", "{\"username\":\"skylift_app\"}",
                "GenerateStringKey", "password",
                "ExcludeCharacters", " '\"\\@/",
                "PasswordLength", 32)));
    }

    @Test
    void prodIsProtectedAndSnapshottedWhileDevCanBeTornDown() {
        prod.hasResource("AWS::RDS::DBCluster", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", true)),
                "DeletionPolicy", "Snapshot",
                "UpdateReplacePolicy", "Snapshot"));
        dev.hasResource("AWS::RDS::DBCluster", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", false)),
                "DeletionPolicy", "Delete"));
        assertThat(app.stack("prod").getTerminationProtection()).isTrue();
        assertThat(app.stack("dev").getTerminationProtection()).isFalse();
    }

    @Test
    void postgresqlLogsGoToALogGroupWithARetentionThatTheClusterWaitsFor() {
        String logs = logicalId(dev, "AWS::Logs::LogGroup", "Database/PostgresqlLogs");
        dev.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/rds/cluster/skylift-dev/postgresql", "RetentionInDays", 30));
        dev.hasResource("AWS::RDS::DBCluster", Map.of("DependsOn", Match.arrayWith(List.of(logs)),
                "Properties", Match.objectLike(Map.of("DBClusterIdentifier", "skylift-dev"))));
    }

    @Test
    void postgresIsOpenOnlyToTheMigratorsSecurityGroupAndNeverToACidr() {
        String dbSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Database/SecurityGroup");
        String migratorSg = logicalId(dev, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup");
        List<Map<String, Object>> ingress = ingressTo(dev, dbSg);
        assertThat(ingress).as("ingress rules of the database security group").hasSize(1);
        assertThat(ingress.get(0))
                .containsEntry("IpProtocol", "tcp")
                .containsEntry("FromPort", 5432)
                .containsEntry("ToPort", 5432)
                .containsEntry("SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(migratorSg, "GroupId")));
        for (Template t : List.of(dev, prod)) {
            assertThat(allIngressRules(t))
                    .as("no ingress rule anywhere admits an address range")
                    .allSatisfy(rule -> assertThat(rule).doesNotContainKeys("CidrIp", "CidrIpv6", "SourcePrefixListId"));
        }
    }

    // ---- migrator ------------------------------------------------------------------------------

    @Test
    void theMigratorIsAnArm64ImageFunctionInTheIsolatedSubnets() {
        dev.resourceCountIs("AWS::Lambda::Function", 1);
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "skylift-dev-migrator",
                "PackageType", "Image",
                "Architectures", List.of("arm64"),
                "Timeout", 600,
                "MemorySize", 1024,
                "Code", Map.of("ImageUri", Match.anyValue()),
                "VpcConfig", Map.of(
                        "SubnetIds", List.of(
                                Map.of("Ref", logicalId(dev, "AWS::EC2::Subnet", "Network/Vpc/PrivateSubnet1/Subnet")),
                                Map.of("Ref", logicalId(dev, "AWS::EC2::Subnet", "Network/Vpc/PrivateSubnet2/Subnet"))),
                        "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(
                                logicalId(dev, "AWS::EC2::SecurityGroup", "Migrator/SecurityGroup"), "GroupId"))))));
    }

    @Test
    void theMigratorsImageIsTheRepositorysDockerfileWithoutBuildOutputs() {
        Map<String, Object> function = dev.findResources("AWS::Lambda::Function").values().iterator().next();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) function.get("Metadata");
        assertThat(metadata).containsEntry("aws:asset:dockerfile-path", "Dockerfile")
                .containsEntry("aws:asset:property", "Code.ImageUri");
        Path staged = outdir.resolve("assembly-SkyliftPipeline-Dev").resolve((String) metadata.get("aws:asset:path"))
                .normalize();
        assertThat(staged.resolve("Dockerfile")).exists();
        assertThat(staged.resolve("migrations")).isDirectory();
        assertThat(staged.resolve("infra/target")).doesNotExist();
        assertThat(staged.resolve("function/target")).doesNotExist();
        assertThat(staged.resolve("node_modules")).doesNotExist();
        assertThat(staged.resolve(".git")).doesNotExist();
        Map<String, Object> assets = TestApps.readJson(outdir.resolve("assembly-SkyliftPipeline-Dev")
                .resolve(app.stack("dev").getArtifactId() + ".assets.json"));
        assertThat(assets.get("dockerImages").toString()).contains("platform=linux/arm64");
    }

    @Test
    void theMigratorGetsTheDatabaseSecretAndTheApplicationPasswordPlaceholder() {
        String master = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/Cluster/Secret/Attachment");
        String app = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/AppSecret/Attachment");
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DB_SECRET_ARN", Map.of("Ref", master),
                "PLACEHOLDER_SECRET_APP_PASSWORD", Map.of("Fn::Join", List.of("", List.of(Map.of("Ref", app),
                        "#password")))))));
    }

    @Test
    void theMigratorMayReadExactlyItsTwoSecretsAndNothingElse() {
        String master = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/Cluster/Secret/Attachment");
        String app = logicalId(dev, "AWS::SecretsManager::SecretTargetAttachment", "Database/AppSecret/Attachment");
        List<Object> secretResources = new ArrayList<>();
        for (Template t : List.of(dev, prod)) {
            for (Map<String, Object> statement : statements(t)) {
                if (actions(statement).stream().anyMatch(a -> a.startsWith("secretsmanager:") || a.equals("*"))) {
                    assertThat(statement.get("Resource")).as("secretsmanager resources").isNotEqualTo("*")
                            .asString().doesNotContain("*");
                    if (t == dev) {
                        Object resource = statement.get("Resource");
                        secretResources.addAll(resource instanceof List<?> list ? list : List.of(resource));
                    }
                }
            }
        }
        assertThat(secretResources).containsExactlyInAnyOrder(Map.of("Ref", master), Map.of("Ref", app));
    }

    @Test
    void theMigratorDoesNotRetryAndKeepsItsLogsForAMonth() {
        dev.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of("MaximumRetryAttempts", 0));
        dev.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/lambda/skylift-dev-migrator", "RetentionInDays", 30));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("LoggingConfig", Map.of("LogGroup",
                Map.of("Ref", logicalId(dev, "AWS::Logs::LogGroup", "Migrator/Logs")))));
    }

    @Test
    void anAlarmWatchesTheMigratorsErrorsAndADashboardShowsItsMetrics() {
        String function = logicalId(dev, "AWS::Lambda::Function", "Migrator/Function");
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Namespace", "AWS/Lambda",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", function))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "notBreaching"));
        Map<String, Object> dashboard = dev.findResources("AWS::CloudWatch::Dashboard").values().iterator().next();
        String body = dashboard.toString();
        assertThat(body).contains("\"AWS/Lambda\",\"Invocations\"", "\"AWS/Lambda\",\"Errors\"",
                "\"AWS/Lambda\",\"Duration\"", "\"Skylift\",\"MigrationsApplied\",\"FunctionName\"",
                "\"Skylift\",\"MigrationDuration\"", "\"Skylift\",\"MigrationFailed\"");
    }

    // ---- custom resource -----------------------------------------------------------------------

    @Test
    void theCustomResourceIsAnsweredByTheMigratorItself() {
        dev.resourceCountIs("Custom::SkyliftSchemaMigration", 1);
        dev.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of(
                "ServiceToken", Map.of("Fn::GetAtt", List.of(logicalId(dev, "AWS::Lambda::Function",
                        "Migrator/Function"), "Arn"))));
        // No provider framework: the only function in the stack is the migrator.
        dev.resourceCountIs("AWS::Lambda::Function", 1);
    }

    @Test
    void theCustomResourceChangesOnEveryDeployThroughItsDeployId() {
        dev.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of("DeployId", "2026-01-02T03:04:05Z"));
    }

    @Test
    void theCustomResourceTimesOutJustAfterTheFunction() {
        Map<String, Object> resource = dev.findResources("Custom::SkyliftSchemaMigration").values().iterator().next();
        @SuppressWarnings("unchecked")
        Object timeout = ((Map<String, Object>) resource.get("Properties")).get("ServiceTimeout");
        int seconds = Integer.parseInt(timeout.toString());
        assertThat(seconds).as("ServiceTimeout (s) vs the function's 600 s").isGreaterThan(600).isLessThanOrEqualTo(720);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCustomResourceWaitsForTheClusterItsWriterAndTheEndpoints() {
        Map<String, Object> resource = dev.findResources("Custom::SkyliftSchemaMigration").values().iterator().next();
        assertThat((List<Object>) resource.get("DependsOn")).as("DependsOn of the custom resource").contains(
                logicalId(dev, "AWS::RDS::DBCluster", "Database/Cluster"),
                logicalId(dev, "AWS::RDS::DBInstance", "Database/Cluster/Writer"),
                logicalId(dev, "AWS::EC2::VPCEndpoint", "Network/Vpc/S3"),
                logicalId(dev, "AWS::EC2::VPCEndpoint", "Network/Vpc/SecretsManager"),
                logicalId(dev, "AWS::IAM::Policy", "Migrator/Function/ServiceRole/DefaultPolicy"));
    }

    @Test
    void theOutputsCarryTheSchemaVersionAndTheMigrationsApplied() {
        String resource = logicalId(dev, "Custom::SkyliftSchemaMigration", "SchemaMigration");
        dev.hasOutput("SchemaVersion", Map.of("Value", Map.of("Fn::GetAtt", List.of(resource, "SchemaVersion"))));
        dev.hasOutput("MigrationsApplied", Map.of("Value", Map.of("Fn::GetAtt", List.of(resource, "MigrationsApplied"))));
        dev.hasOutput("MigratorFunctionArn", Map.of("Value", Map.of("Fn::GetAtt", List.of(
                logicalId(dev, "AWS::Lambda::Function", "Migrator/Function"), "Arn"))));
        dev.hasOutput("MigratorFunctionName", Map.of("Value", Match.anyValue()));
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
    private static List<Map<String, Object>> ingressTo(Template t, String securityGroup) {
        return t.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(r -> (Map<String, Object>) r.get("Properties"))
                .filter(p -> Map.of("Fn::GetAtt", List.of(securityGroup, "GroupId")).equals(p.get("GroupId")))
                .toList();
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
