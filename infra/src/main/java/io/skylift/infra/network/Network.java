package io.skylift.infra.network;

import io.skylift.construct.MigratorEndpoints;
import io.skylift.construct.MigratorEndpointsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The private network: a VPC whose database and migrator subnets have no route to the internet, and
 * the VPC endpoints the migrator needs instead.
 *
 * <ul>
 *   <li>An S3 gateway endpoint: the CloudFormation response URL is a pre-signed S3 URL, so without it
 *       the migrator could not answer the custom resource.</li>
 *   <li>A Secrets Manager interface endpoint: the migrator reads the database secrets. It admits nobody
 *       until a caller is allowed to it through its {@code connections} (the migrator does so from its own
 *       stack).</li>
 *   <li>With {@code taskEndpoints} (a stage whose migration workflow runs the image as an ECS Fargate task): ECR's API
 *       and Docker endpoints (the task pulls its image; the layers come through the S3 gateway) and CloudWatch Logs'
 *       (the task's awslogs driver), each admitting nobody until a caller is allowed through its
 *       {@code connections}. A Lambda function needs none of them: Lambda pulls its image and ships its logs outside
 *       the VPC.</li>
 *   <li>A flow log of rejected traffic, the first place to look when a connection times out.</li>
 * </ul>
 */
public final class Network extends Construct {

    private final Vpc vpc;
    private final InterfaceVpcEndpoint secretsManagerEndpoint;
    private final SubnetSelection workloadSubnets;
    private final List<InterfaceVpcEndpoint> taskEndpoints = new ArrayList<>();

    public Network(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");

        List<SubnetConfiguration> subnets = new ArrayList<>();
        SubnetType workloadType;
        if (props.natGateways() == 0) {
            workloadType = SubnetType.PRIVATE_ISOLATED;
        } else {
            // A NAT gateway needs public subnets to sit in; the workload then gets egress through it.
            subnets.add(SubnetConfiguration.builder().name("Public").subnetType(SubnetType.PUBLIC).cidrMask(24).build());
            workloadType = SubnetType.PRIVATE_WITH_EGRESS;
        }
        subnets.add(SubnetConfiguration.builder().name("Private").subnetType(workloadType).cidrMask(24).build());
        workloadSubnets = SubnetSelection.builder().subnetType(workloadType).build();

        LogGroup flowLogGroup = LogGroup.Builder.create(this, "FlowLogs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(props.cidr()))
                .maxAzs(props.maxAzs())
                .natGateways(props.natGateways())
                .subnetConfiguration(subnets)
                // Nothing here uses the default security group, and restricting it would add a
                // custom-resource Lambda to every stack.
                .restrictDefaultSecurityGroup(false)
                .flowLogs(java.util.Map.of("Rejected", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogGroup))
                        .trafficType(FlowLogTrafficType.REJECT)
                        .build()))
                .build();

        // The construct's opt-in helper, so both endpoints are made one way (the same children of the VPC as ever).
        // Private DNS on: this VPC is the app's own, so no other workload's path changes, and the functions and the
        // workflow's task reach Secrets Manager by its usual name. (An endpoint URL read across stacks would be a
        // weak reference to the endpoint's DnsEntries, a list, which a stack output cannot carry.)
        MigratorEndpoints endpoints = MigratorEndpoints.addTo(vpc, MigratorEndpointsOptions.builder()
                .subnets(workloadSubnets)
                .privateDnsEnabled(true)
                .build());
        secretsManagerEndpoint = endpoints.getSecretsManagerEndpoint();
        if (props.taskEndpoints()) {
            // ECR serves image layers from its S3 bucket in the region: the task's image pull reads them through the
            // S3 endpoint, whose policy otherwise admits only CloudFormation's responses.
            Stack stack = Stack.of(this);
            endpoints.getS3Endpoint().addToPolicy(PolicyStatement.Builder.create()
                    .sid("EcrImageLayers")
                    .principals(List.of(new AnyPrincipal()))
                    .actions(List.of("s3:GetObject"))
                    .resources(List.of("arn:" + stack.getPartition() + ":s3:::prod-" + stack.getRegion()
                            + "-starport-layer-bucket/*"))
                    .build());
            taskEndpoints.add(interfaceEndpoint("EcrApi", InterfaceVpcEndpointAwsService.ECR));
            taskEndpoints.add(interfaceEndpoint("EcrDocker", InterfaceVpcEndpointAwsService.ECR_DOCKER));
            taskEndpoints.add(interfaceEndpoint("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS));
        }
    }

    private InterfaceVpcEndpoint interfaceEndpoint(String id, InterfaceVpcEndpointAwsService service) {
        return vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(workloadSubnets)
                // This VPC is the app's own: no other endpoint for these services can be in it.
                .privateDnsEnabled(true)
                // Not open to the whole VPC: only the workflow's task, allowed from the migrator's stack.
                .open(false)
                .build());
    }

    /**
     * The interface endpoints a Fargate task needs beside Secrets Manager's: ECR API, ECR Docker and CloudWatch Logs;
     * empty without {@code taskEndpoints}.
     */
    public List<InterfaceVpcEndpoint> getTaskEndpoints() {
        return List.copyOf(taskEndpoints);
    }

    /** The VPC. */
    public Vpc getVpc() {
        return vpc;
    }

    /** The subnets the database and the migrator run in: isolated unless NAT gateways were asked for. */
    public SubnetSelection getWorkloadSubnets() {
        return workloadSubnets;
    }

    /** The Secrets Manager interface endpoint. */
    public InterfaceVpcEndpoint getSecretsManagerEndpoint() {
        return secretsManagerEndpoint;
    }

    /**
     * Network properties.
     *
     * @param cidr         VPC address range; default {@value #DEFAULT_CIDR}
     * @param maxAzs       availability zones, at least 2 (Aurora needs subnets in two); default 2
     * @param natGateways  NAT gateways; default 0, which leaves the subnets isolated
     * @param logRetention retention of the flow log; default one month
     * @param taskEndpoints whether to add the endpoints an ECS Fargate task needs without a NAT; default false
     */
    public record Props(String cidr, int maxAzs, int natGateways, RetentionDays logRetention, boolean taskEndpoints) {

        public static final String DEFAULT_CIDR = "10.0.0.0/16";

        public Props {
            Objects.requireNonNull(cidr, "cidr must not be null");
            Objects.requireNonNull(logRetention, "logRetention must not be null");
            if (maxAzs < 2) {
                throw new IllegalArgumentException("maxAzs must be at least 2 (Aurora needs two zones), was " + maxAzs);
            }
            if (natGateways < 0) {
                throw new IllegalArgumentException("natGateways must not be negative, was " + natGateways);
            }
        }

        /** A builder holding the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; every setting starts at its default. */
        public static final class Builder {
            private String cidr = DEFAULT_CIDR;
            private int maxAzs = 2;
            private int natGateways = 0;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private boolean taskEndpoints = false;

            public Builder cidr(String value) {
                cidr = value;
                return this;
            }

            public Builder maxAzs(int value) {
                maxAzs = value;
                return this;
            }

            public Builder natGateways(int value) {
                natGateways = value;
                return this;
            }

            public Builder logRetention(RetentionDays value) {
                logRetention = value;
                return this;
            }

            public Builder taskEndpoints(boolean value) {
                taskEndpoints = value;
                return this;
            }

            public Props build() {
                return new Props(cidr, maxAzs, natGateways, logRetention, taskEndpoints);
            }
        }
    }
}
