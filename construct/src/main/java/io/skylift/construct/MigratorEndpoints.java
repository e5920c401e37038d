package io.skylift.construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * Opt-in: the VPC endpoints the migrator needs when its subnets have no route to the internet, made so that no other
 * workload's path changes unless asked. {@link SchemaMigrator} never creates them: a VPC that already has them must not
 * get a second pair (a Secrets Manager endpoint with private DNS is one per VPC; a second one fails to deploy).
 *
 * <ul>
 *   <li>a Secrets Manager interface endpoint in the subnets, admitting nobody until a caller is allowed through its
 *       {@code connections}, <b>without private DNS</b> by default: the migrator reaches it by its own DNS name (give it
 *       to {@link SchemaMigratorProps.Builder#secretsManagerEndpoint}), and every other workload of the VPC keeps
 *       resolving Secrets Manager's public name as before. Its policy allows only {@code secretsmanager:GetSecretValue},
 *       on the secrets named ({@link MigratorEndpointsOptions.Builder#secrets}) or, when none are, on this account's
 *       secrets in this region;</li>
 *   <li>an S3 gateway endpoint on the subnets' route tables (unless {@code s3(false)}): CloudFormation's response URL
 *       is a pre-signed S3 URL, so without it the function could not answer the custom resource. Its policy allows only
 *       {@code s3:PutObject} to CloudFormation's response bucket of the region
 *       ({@code cloudformation-custom-resource-response-<region without dashes>}). A gateway endpoint changes the S3
 *       path of <b>everything</b> routed by those route tables: give the migrator subnets of its own route table, or
 *       keep the VPC's existing S3 endpoint ({@code s3(false)}).</li>
 * </ul>
 */
public final class MigratorEndpoints {

    /** The one action the migrator calls on Secrets Manager. */
    public static final String GET_SECRET_VALUE = "secretsmanager:GetSecretValue";

    private final GatewayVpcEndpoint s3;
    private final InterfaceVpcEndpoint secretsManager;

    private MigratorEndpoints(GatewayVpcEndpoint s3, InterfaceVpcEndpoint secretsManager) {
        this.s3 = s3;
        this.secretsManager = secretsManager;
    }

    /**
     * Adds both endpoints to {@code vpc} with the defaults of {@link MigratorEndpointsOptions}: no private DNS, the
     * Secrets Manager policy on this account's secrets in this region.
     *
     * @param subnets the subnets the migrator runs in
     */
    public static MigratorEndpoints addTo(IVpc vpc, SubnetSelection subnets) {
        return addTo(vpc, MigratorEndpointsOptions.builder().subnets(subnets).build());
    }

    /** Adds the endpoints {@code options} ask for to {@code vpc}, as its children {@code S3} and {@code SecretsManager}. */
    public static MigratorEndpoints addTo(IVpc vpc, MigratorEndpointsOptions options) {
        Objects.requireNonNull(vpc, "vpc must not be null");
        Objects.requireNonNull(options, "options must not be null");
        GatewayVpcEndpoint s3 = null;
        if (options.isS3()) {
            s3 = vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder()
                    .service(GatewayVpcEndpointAwsService.S3)
                    .subnets(List.of(options.getSubnets()))
                    .build());
            s3.addToPolicy(PolicyStatement.Builder.create()
                    .sid("CloudFormationResponses")
                    .principals(List.of(new AnyPrincipal()))
                    .actions(List.of("s3:PutObject"))
                    .resources(List.of(responseBucketObjects(Stack.of(s3))))
                    .build());
        }
        InterfaceVpcEndpoint secretsManager = vpc.addInterfaceEndpoint("SecretsManager",
                InterfaceVpcEndpointOptions.builder()
                        .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER)
                        .subnets(options.getSubnets())
                        .privateDnsEnabled(options.isPrivateDnsEnabled())
                        // Not open to the whole VPC: only callers allowed through its connections.
                        .open(false)
                        .build());
        Stack stack = Stack.of(secretsManager);
        List<String> secrets = new ArrayList<>();
        options.getSecrets().forEach(secret -> secrets.add(arnPattern(secret)));
        if (secrets.isEmpty()) {
            secrets.add("arn:" + stack.getPartition() + ":secretsmanager:" + stack.getRegion() + ":"
                    + stack.getAccount() + ":secret:*");
        }
        secretsManager.addToPolicy(PolicyStatement.Builder.create()
                .sid("MigratorSecrets")
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of(GET_SECRET_VALUE))
                .resources(secrets)
                .build());
        return new MigratorEndpoints(s3, secretsManager);
    }

    /** The S3 gateway endpoint, or null with {@code s3(false)}. */
    public GatewayVpcEndpoint getS3Endpoint() {
        return s3;
    }

    /** The Secrets Manager interface endpoint. */
    public InterfaceVpcEndpoint getSecretsManagerEndpoint() {
        return secretsManager;
    }

    /**
     * Objects of CloudFormation's custom-resource response bucket of the stack's region, whose name holds the region
     * without dashes ({@code cloudformation-custom-resource-response-euwest1}).
     */
    static String responseBucketObjects(Stack stack) {
        String region = stack.getRegion();
        String compact = Token.isUnresolved(region) ? Fn.join("", Fn.split("-", region)) : region.replace("-", "");
        return "arn:" + stack.getPartition() + ":s3:::cloudformation-custom-resource-response-" + compact + "/*";
    }

    /** A secret's ARN as a policy resource: the complete ARN, or a partial one with Secrets Manager's six-character suffix. */
    static String arnPattern(ISecret secret) {
        return secret.getSecretFullArn() != null ? secret.getSecretFullArn() : secret.getSecretArn() + "-??????";
    }
}
