package io.skylift.construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * Options of {@link MigratorEndpoints#addTo(software.amazon.awscdk.services.ec2.IVpc, MigratorEndpointsOptions)}.
 * Required: {@code subnets}. The defaults change nothing for other workloads of the VPC but what an S3 gateway endpoint
 * changes for the subnets' route tables (see {@link Builder#s3}).
 */
public final class MigratorEndpointsOptions {

    private final SubnetSelection subnets;
    private final boolean privateDnsEnabled;
    private final boolean s3;
    private final List<ISecret> secrets;

    private MigratorEndpointsOptions(Builder builder) {
        subnets = Objects.requireNonNull(builder.subnets, "subnets is required: the subnets the migrator runs in");
        privateDnsEnabled = Boolean.TRUE.equals(builder.privateDnsEnabled);
        s3 = builder.s3 == null || builder.s3;
        secrets = List.copyOf(builder.secrets);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The subnets the migrator runs in. */
    public SubnetSelection getSubnets() {
        return subnets;
    }

    /** Whether the Secrets Manager endpoint has private DNS; default false. */
    public boolean isPrivateDnsEnabled() {
        return privateDnsEnabled;
    }

    /** Whether the S3 gateway endpoint is added; default true. */
    public boolean isS3() {
        return s3;
    }

    /** The secrets the Secrets Manager endpoint serves; empty (the default) = this account's secrets in the region. */
    public List<ISecret> getSecrets() {
        return secrets;
    }

    /** Builds {@link MigratorEndpointsOptions}. */
    public static final class Builder {
        private SubnetSelection subnets;
        private Boolean privateDnsEnabled;
        private Boolean s3;
        private final List<ISecret> secrets = new ArrayList<>();

        private Builder() {
        }

        /** The subnets the migrator runs in (required): the interface endpoint's subnets, the gateway's route tables. */
        public Builder subnets(SubnetSelection value) {
            subnets = value;
            return this;
        }

        /**
         * Private DNS on the Secrets Manager endpoint; default false. <b>Affects every workload in the VPC</b>:
         * Secrets Manager's public name then resolves to this endpoint everywhere in the VPC, whose security group
         * admits only the callers allowed through its connections, and whose policy allows only the migrator's secrets;
         * an application that reaches Secrets Manager through a NAT would time out or be denied. Only for a VPC of
         * your own with no other user of Secrets Manager. One endpoint with private DNS per service and VPC.
         */
        public Builder privateDnsEnabled(Boolean value) {
            privateDnsEnabled = value;
            return this;
        }

        /**
         * Adds the S3 gateway endpoint; default true. <b>Affects every workload in the subnets' route tables</b>: their
         * S3 traffic then goes through this endpoint, whose policy allows only CloudFormation's response bucket. False
         * when those route tables already route S3 (a NAT that may carry the migrator's answer, or an existing
         * gateway endpoint whose policy allows {@code s3:PutObject} to
         * {@code cloudformation-custom-resource-response-<region without dashes>}).
         */
        public Builder s3(Boolean value) {
            s3 = value;
            return this;
        }

        /**
         * The secrets the Secrets Manager endpoint serves (its policy's resources): the database secret, the
         * placeholder secrets and the planner's. Default none named: any secret of this account in this region.
         * They must be in the endpoint's stack or one it may depend on (the policy names them).
         */
        public Builder secrets(List<? extends ISecret> value) {
            secrets.addAll(Objects.requireNonNull(value, "secrets must not be null"));
            return this;
        }

        public MigratorEndpointsOptions build() {
            return new MigratorEndpointsOptions(this);
        }
    }
}
