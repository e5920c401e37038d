package com.example.orders;

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
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * Imports the existing VPC, cluster and master secret by attributes (no lookup: {@code cdk synth} needs no AWS
 * account) and adds the migrator, which migrates {@code migrations/} on every deploy.
 */
public class OrdersSchemaStack extends Stack {

    public OrdersSchemaStack(Construct scope, String id) {
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
                        .clusterEndpointAddress(context("clusterEndpoint"))
                        .port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(this, "DatabaseSecurityGroup",
                                context("databaseSecurityGroupId"))))
                        .build());

        SchemaMigrator migrator = new SchemaMigrator(this, "SchemaMigrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getPrivateSubnets()).build())
                .database(cluster)
                .databaseSecret(Secret.fromSecretCompleteArn(this, "DatabaseSecret", context("databaseSecretArn")))
                .migrationsDirectory("migrations")
                .build());
        // These subnets reach Secrets Manager and S3 already (a NAT gateway, or the VPC's own endpoints, open to the
        // VPC). Isolated subnets without them: MigratorEndpoints.addTo(vpc, subnets) before the migrator, and
        // .secretsManagerEndpoint(endpoints.getSecretsManagerEndpoint()) in its props (docs/adopting.md).

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
