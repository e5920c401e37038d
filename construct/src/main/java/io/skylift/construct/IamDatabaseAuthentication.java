package io.skylift.construct;

import io.skylift.contract.EnvironmentVariables;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.rds.CfnDBCluster;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.IDatabaseCluster;

/**
 * IAM database authentication for a {@link SchemaMigrator} ({@link SchemaMigratorProps.Builder#iamAuthentication}):
 * the migrator logs in as {@code migrationRole} with an authentication token it signs, and reads the master secret
 * only to create that role on the first deploy (then {@code rds_iam} is granted to it and it owns the schemas it
 * migrates). The function gets {@code rds-db:connect} as that role on this cluster and nothing more.
 *
 * <p>A cluster defined in the same CDK app gets IAM database authentication turned on (unless it was explicitly turned
 * off, which is an error); an imported cluster must have it on already, and must be imported with its
 * {@code clusterResourceIdentifier} (the IAM resource names it, not the cluster's name).
 *
 * @param cluster       the cluster the migrator connects to: its endpoint is where tokens are signed for
 * @param migrationRole the PostgreSQL role the migrator logs in as: lower-case letters, digits and underscores, at
 *                      most 63, not starting with {@code pg_} or {@code rds}; a role of its own (an existing role is
 *                      used only if it is a member of {@code rds_iam} and can do no more than log in)
 */
public record IamDatabaseAuthentication(IDatabaseCluster cluster, String migrationRole) {
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public IamDatabaseAuthentication {
        Objects.requireNonNull(cluster, "cluster must not be null");
        Objects.requireNonNull(migrationRole, "migrationRole must not be null");
        if (!ROLE.matcher(migrationRole).matches() || migrationRole.startsWith("pg_")
                || migrationRole.startsWith("rds")) {
            throw new IllegalArgumentException("iamAuthentication's migrationRole must be a lower-case PostgreSQL name"
                    + " (letters, digits, _; at most 63; not starting with pg_ or rds), was '" + migrationRole + "'");
        }
    }

    /** IAM authentication as {@code migrationRole} on {@code cluster}. */
    public static IamDatabaseAuthentication of(IDatabaseCluster cluster, String migrationRole) {
        return new IamDatabaseAuthentication(cluster, migrationRole);
    }

    /**
     * The function's variables: the role, and the endpoint the token is signed for (the cluster's writer endpoint,
     * {@code port}, {@code databaseName}).
     */
    Map<String, String> environment(int port, String databaseName) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(EnvironmentVariables.DB_IAM_USER, migrationRole);
        environment.put(EnvironmentVariables.DB_HOST, cluster.getClusterEndpoint().getHostname());
        environment.put(EnvironmentVariables.DB_PORT, Integer.toString(port));
        environment.put(EnvironmentVariables.DB_NAME, databaseName);
        return environment;
    }

    /**
     * Lets {@code function} connect as the role ({@code rds-db:connect} on
     * {@code arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<role>}), and turns IAM database
     * authentication on for a cluster of this app.
     *
     * @throws IllegalArgumentException when the cluster has IAM authentication explicitly off, or is imported without
     *                                  its resource identifier
     */
    Grant grantConnect(IGrantable function) {
        if (cluster instanceof DatabaseCluster owned
                && owned.getNode().getDefaultChild() instanceof CfnDBCluster cfn) {
            if (Boolean.FALSE.equals(cfn.getEnableIamDatabaseAuthentication())) {
                throw new IllegalArgumentException("iamAuthentication: cluster " + owned.getNode().getPath() + " has"
                        + " iamAuthentication(false); turn it on, or leave iamAuthentication unset");
            }
            cfn.setEnableIamDatabaseAuthentication(true);
        }
        try {
            cluster.getClusterResourceIdentifier();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("iamAuthentication: cluster " + cluster.getNode().getPath() + " was"
                    + " imported without its resource identifier, which the rds-db:connect grant names: import it with"
                    + " DatabaseClusterAttributes.builder().clusterResourceIdentifier(\"cluster-...\")", e);
        }
        return cluster.grantConnect(function, migrationRole);
    }
}
