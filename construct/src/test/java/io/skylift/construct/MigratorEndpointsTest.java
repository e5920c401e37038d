package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The opt-in endpoints: added only when asked, to the VPC given, in the subnets given, changing no other workload's
 * path unless asked (no private DNS by default), and serving only what the migrator needs (their policies).
 */
class MigratorEndpointsTest {

    private static final String SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-db-AbCdEf";

    private static MigratorEndpoints endpoints;
    private static Template defaults;
    private static Template chosen;

    @BeforeAll
    static void synthesize() {
        App app = new App();
        Stack stack = new Stack(app, "Endpoints");
        IVpc vpc = vpc(stack);
        endpoints = MigratorEndpoints.addTo(vpc, subnets(vpc));
        // A stack in a known region, with the secrets named, private DNS asked for and the VPC's own S3 endpoint kept.
        Stack other = new Stack(app, "Chosen", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        IVpc otherVpc = vpc(other);
        MigratorEndpoints.addTo(otherVpc, MigratorEndpointsOptions.builder()
                .subnets(subnets(otherVpc))
                .privateDnsEnabled(true)
                .s3(false)
                .secrets(List.of(Secret.fromSecretCompleteArn(other, "Db", SECRET),
                        Secret.fromSecretNameV2(other, "Currency", "orders/currency")))
                .build());
        defaults = Template.fromStack(stack);
        chosen = Template.fromStack(other);
    }

    private static IVpc vpc(Stack stack) {
        return Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-1", "subnet-2"))
                .isolatedSubnetRouteTableIds(List.of("rtb-1", "rtb-2"))
                .build());
    }

    private static SubnetSelection subnets(IVpc vpc) {
        return SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build();
    }

    @Test
    void an_s3_gateway_and_a_secrets_manager_endpoint_without_private_dns_closed_to_the_vpc() {
        defaults.resourceCountIs("AWS::EC2::VPCEndpoint", 2);
        defaults.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "VpcId", "vpc-0123456789abcdef0", "RouteTableIds", List.of("rtb-1", "rtb-2")));
        defaults.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
                "PrivateDnsEnabled", false, "SubnetIds", List.of("subnet-1", "subnet-2")));
        // Closed until a caller is allowed: no ingress rule on the endpoint's security group.
        defaults.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupIngress", Match.absent()));
        assertThat(endpoints.getSecretsManagerEndpoint().getConnections().getSecurityGroups()).hasSize(1);
        assertThat(endpoints.getS3Endpoint()).isNotNull();
    }

    @Test
    void the_s3_endpoint_admits_only_puts_to_cloudformations_response_bucket_of_the_region_without_dashes() {
        defaults.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Sid", "CloudFormationResponses",
                        "Effect", "Allow",
                        "Principal", Map.of("AWS", "*"),
                        "Action", "s3:PutObject",
                        "Resource", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                                ":s3:::cloudformation-custom-resource-response-",
                                Map.of("Fn::Join", List.of("", Map.of("Fn::Split", List.of("-",
                                        Map.of("Ref", "AWS::Region")))))
                                , "/*"))))))));
        assertThat(MigratorEndpoints.responseBucketObjects(new Stack(new App(), "Known", StackProps.builder()
                .env(Environment.builder().region("eu-west-1").build()).build())))
                .endsWith(":s3:::cloudformation-custom-resource-response-euwest1/*");
    }

    @Test
    void the_secrets_manager_endpoint_serves_only_get_secret_value_on_this_accounts_secrets_by_default() {
        defaults.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Sid", "MigratorSecrets",
                        "Principal", Map.of("AWS", "*"),
                        "Action", MigratorEndpoints.GET_SECRET_VALUE,
                        "Resource", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                                ":secretsmanager:", Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"),
                                ":secret:*"))))))));
    }

    @Test
    void named_secrets_narrow_the_policy_private_dns_is_an_opt_in_and_the_vpcs_own_s3_endpoint_can_stay() {
        chosen.resourceCountIs("AWS::EC2::VPCEndpoint", 1);
        chosen.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
                "PrivateDnsEnabled", true,
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", MigratorEndpoints.GET_SECRET_VALUE,
                        // The secret known by name only: its ARN with Secrets Manager's six-character suffix.
                        "Resource", List.of(SECRET, Map.of("Fn::Join", List.of("", List.of("arn:",
                                Map.of("Ref", "AWS::Partition"),
                                ":secretsmanager:eu-west-1:111111111111:secret:orders/currency-??????")))))))));
    }

    @Test
    void the_subnets_are_required() {
        assertThatThrownBy(() -> MigratorEndpointsOptions.builder().build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("subnets is required");
    }
}
