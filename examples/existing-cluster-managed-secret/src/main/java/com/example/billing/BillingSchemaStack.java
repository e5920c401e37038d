package com.example.billing;

import io.skylift.construct.SchemaMigrator;
import io.skylift.construct.SchemaMigratorProps;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The migrator alone in its stack, so that a failed migration rolls back only this stack. The cluster was created with
 * {@code ManageMasterUserPassword}: RDS keeps its master secret, which holds only {@code username} and
 * {@code password} and is encrypted with the team's customer managed key. The construct gives the function the
 * cluster's endpoint ({@code DB_HOST}, {@code DB_PORT}) and the database's name ({@code DB_NAME}), and grants the key.
 * The private subnets reach Secrets Manager and S3 as every other workload of the VPC does (a NAT gateway here); the
 * migrator adds no endpoint of its own.
 */
public class BillingSchemaStack extends Stack {

    public BillingSchemaStack(Construct scope, String id) {
        super(scope, id);
        IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                .vpcId(context("vpcId"))
                .availabilityZones(List.of(context("availabilityZones").split(",")))
                .privateSubnetIds(List.of(context("privateSubnetIds").split(",")))
                .privateSubnetRouteTableIds(List.of(context("privateSubnetRouteTableIds").split(",")))
                .build());
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(this, "Cluster",
                DatabaseClusterAttributes.builder()
                        .clusterIdentifier(context("clusterIdentifier"))
                        // The writer endpoint: the function connects to it (DB_HOST), the managed secret has no host.
                        .clusterEndpointAddress(context("clusterEndpoint"))
                        .port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(this, "DatabaseSecurityGroup",
                                context("databaseSecurityGroupId"))))
                        .build());

        SchemaMigrator migrator = new SchemaMigrator(this, "SchemaMigrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getPrivateSubnets()).build())
                .database(cluster)
                .databaseName(context("databaseName"))
                .databaseSecret(Secret.fromSecretCompleteArn(this, "MasterSecret", context("masterSecretArn")))
                // Imported by ARN, the secret does not know its key: name it, and the function may decrypt with it
                // through Secrets Manager only.
                .databaseSecretKey(Key.fromKeyArn(this, "MasterSecretKey", context("masterSecretKeyArn")))
                .migrationsDirectory("migrations")
                .build());

        CfnOutput.Builder.create(this, "SchemaVersion").value(migrator.getSchemaVersion()).build();
        CfnOutput.Builder.create(this, "MigratorFunctionName").value(migrator.getFunction().getFunctionName()).build();
    }

    private String context(String key) {
        Object value = getNode().tryGetContext(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("Context key '" + key + "' is not set: add it to cdk.json");
        }
        return value.toString();
    }
}
