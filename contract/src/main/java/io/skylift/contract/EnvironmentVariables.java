package io.skylift.contract;

/**
 * The function's environment variables that the construct sets (DESIGN §2, "configuration"): the construct writes
 * them, the function reads them. Operators' runbooks and adopters' stacks rely on these names.
 */
public final class EnvironmentVariables {
    /** ARN or name of the database secret (RDS JSON form). Required. */
    public static final String DB_SECRET_ARN = "DB_SECRET_ARN";
    /** The database's host, port and name; each wins over the secret's field (an RDS-managed secret has none). */
    public static final String DB_HOST = "DB_HOST";
    public static final String DB_PORT = "DB_PORT";
    public static final String DB_NAME = "DB_NAME";
    /** IAM database authentication: the role the function logs in as with a token it signs. */
    public static final String DB_IAM_USER = "DB_IAM_USER";
    /** Prefix of the variables mapping placeholder {@code <NAME>} to a secret: {@code <arn>[#<json key>]}. */
    public static final String PLACEHOLDER_SECRET_PREFIX = "PLACEHOLDER_SECRET_";
    /** The commands the function accepts, comma-separated; unset: every command. */
    public static final String SKYLIFT_COMMANDS = "SKYLIFT_COMMANDS";
    /** The custom resource's {@link SchemaMigrationResource#DEPLOY_ID} of the deploy that configured the function. */
    public static final String SKYLIFT_DEPLOY_ID = "SKYLIFT_DEPLOY_ID";
    /** On the migrator only: the planner's secret, whose read-only role the migrator keeps after each migrate. */
    public static final String PLANNER_SECRET_ARN = "PLANNER_SECRET_ARN";

    private EnvironmentVariables() {
    }
}
