package io.skylift.infra.config;

import io.skylift.infra.network.Network;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Network settings shared by all stages.
 *
 * @param cidr        VPC address range; default {@value #DEFAULT_CIDR}
 * @param natGateways NAT gateways; default 0: the subnets stay isolated and the migrator reaches AWS
 *                    through VPC endpoints only
 */
public record NetworkSettings(String cidr, int natGateways) {

    public static final String DEFAULT_CIDR = Network.Props.DEFAULT_CIDR;

    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/(1[6-9]|2[0-4])");

    public NetworkSettings {
        Objects.requireNonNull(cidr, "cidr must not be null");
    }

    /** Reads the settings, each key falling back to its default. */
    public static NetworkSettings fromContext(ContextReader context) {
        return new NetworkSettings(
                context.matching("vpcCidr", DEFAULT_CIDR, CIDR, "an IPv4 range from /16 to /24 such as 10.0.0.0/16"),
                context.integer("natGateways", 0, 0, 3));
    }
}
