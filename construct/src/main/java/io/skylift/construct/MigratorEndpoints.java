package io.skylift.construct;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.SubnetSelection;

/**
 * Opt-in: the VPC endpoints the migrator needs when its subnets have no route to the internet. {@link SchemaMigrator}
 * never creates them: a VPC that already has them must not get a second pair (a Secrets Manager endpoint with private
 * DNS is one per VPC; a second one fails to deploy).
 *
 * <ul>
 *   <li>an S3 gateway endpoint on the subnets' route tables: CloudFormation's response URL is a pre-signed S3 URL, so
 *       without it the function could not answer the custom resource;</li>
 *   <li>a Secrets Manager interface endpoint in the subnets, with private DNS, admitting nobody until a caller is
 *       allowed through its {@code connections} (for example {@code migrator.allowTo(...)}).</li>
 * </ul>
 */
public final class MigratorEndpoints {

    private final GatewayVpcEndpoint s3;
    private final InterfaceVpcEndpoint secretsManager;

    private MigratorEndpoints(GatewayVpcEndpoint s3, InterfaceVpcEndpoint secretsManager) {
        this.s3 = s3;
        this.secretsManager = secretsManager;
    }

    /**
     * Adds both endpoints to {@code vpc}, as its children {@code S3} and {@code SecretsManager}.
     *
     * @param subnets the subnets the migrator runs in
     */
    public static MigratorEndpoints addTo(IVpc vpc, SubnetSelection subnets) {
        Objects.requireNonNull(vpc, "vpc must not be null");
        Objects.requireNonNull(subnets, "subnets must not be null");
        GatewayVpcEndpoint s3 = vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3)
                .subnets(List.of(subnets))
                .build());
        InterfaceVpcEndpoint secretsManager = vpc.addInterfaceEndpoint("SecretsManager",
                InterfaceVpcEndpointOptions.builder()
                        .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER)
                        .subnets(subnets)
                        .privateDnsEnabled(true)
                        // Not open to the whole VPC: only callers allowed through its connections.
                        .open(false)
                        .build());
        return new MigratorEndpoints(s3, secretsManager);
    }

    /** The S3 gateway endpoint. */
    public GatewayVpcEndpoint getS3Endpoint() {
        return s3;
    }

    /** The Secrets Manager interface endpoint. */
    public InterfaceVpcEndpoint getSecretsManagerEndpoint() {
        return secretsManager;
    }
}
