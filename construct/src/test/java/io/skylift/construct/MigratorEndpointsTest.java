package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;

/** The opt-in endpoints: added only when asked, to the VPC given, in the subnets given. */
class MigratorEndpointsTest {

    @Test
    void an_s3_gateway_and_a_private_dns_secrets_manager_endpoint_closed_to_the_vpc() {
        Stack stack = new Stack(new App(), "Endpoints");
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-1", "subnet-2"))
                .isolatedSubnetRouteTableIds(List.of("rtb-1", "rtb-2"))
                .build());
        MigratorEndpoints endpoints = MigratorEndpoints.addTo(vpc,
                SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build());
        Template template = Template.fromStack(stack);

        template.resourceCountIs("AWS::EC2::VPCEndpoint", 2);
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "VpcId", "vpc-0123456789abcdef0", "RouteTableIds", List.of("rtb-1", "rtb-2")));
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
                "PrivateDnsEnabled", true, "SubnetIds", List.of("subnet-1", "subnet-2")));
        // Closed until a caller is allowed: no ingress rule on the endpoint's security group.
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupIngress",
                software.amazon.awscdk.assertions.Match.absent()));
        assertThat(endpoints.getSecretsManagerEndpoint().getConnections().getSecurityGroups()).hasSize(1);
        assertThat(endpoints.getS3Endpoint()).isNotNull();
    }
}
