package io.skylift.migrator.config;

import io.skylift.migrator.failure.ConfigurationException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * IAM database authentication ({@value Settings#IAM_USER_VARIABLE}): the function logs in as {@code role} with an
 * authentication token it signs itself, so no password is read for the database. The master secret
 * ({@value Settings#SECRET_VARIABLE}) is read only when that login fails, to create the role (see
 * {@code MigrationRole}).
 *
 * @param role   the migration role: a plain lower-case PostgreSQL name, so it is the same in the database, in the
 *               token and in the IAM policy's {@code dbuser} ARN, with no quoting to get wrong
 * @param region the region the token is signed for ({@code AWS_REGION}, which Lambda sets)
 */
public record IamAuthentication(String role, String region) {
    /** At most 63 characters (PostgreSQL's limit), lower case, digits and underscores, not starting with a digit. */
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");

    public IamAuthentication {
        Objects.requireNonNull(role, "role must not be null");
        Objects.requireNonNull(region, "region must not be null");
    }

    /**
     * The IAM configuration of {@code env}, or null when {@value Settings#IAM_USER_VARIABLE} is not set.
     *
     * @throws ConfigurationException naming the variable that is wrong or missing and what it should hold
     */
    static IamAuthentication fromEnvironment(Map<String, String> env) {
        String role = blank(env.get(Settings.IAM_USER_VARIABLE)) ? null : env.get(Settings.IAM_USER_VARIABLE).trim();
        if (role == null) {
            return null;
        }
        if (!ROLE.matcher(role).matches() || role.startsWith("pg_") || role.startsWith("rds")) {
            throw new ConfigurationException(Settings.IAM_USER_VARIABLE + " is '" + role + "': name the migration role"
                    + " with lower-case letters, digits and underscores (at most 63, not starting with a digit, nor"
                    + " with pg_ or rds, which PostgreSQL and Amazon RDS reserve), for example skylift_migrator");
        }
        for (String variable : new String[] {Settings.HOST_VARIABLE, Settings.PORT_VARIABLE, Settings.NAME_VARIABLE}) {
            if (blank(env.get(variable))) {
                throw new ConfigurationException(Settings.IAM_USER_VARIABLE + " is set but " + variable + " is not: the"
                        + " token is signed for the database's endpoint, so set " + Settings.HOST_VARIABLE + ", "
                        + Settings.PORT_VARIABLE + " and " + Settings.NAME_VARIABLE + " (the construct does)");
            }
        }
        for (String variable : new String[] {"FLYWAY_URL", "FLYWAY_USER", "FLYWAY_PASSWORD"}) {
            if (!blank(env.get(variable))) {
                throw new ConfigurationException(variable + " is set together with " + Settings.IAM_USER_VARIABLE
                        + ": the IAM login names its own user and endpoint; remove " + variable + " or "
                        + Settings.IAM_USER_VARIABLE);
            }
        }
        if (!blank(env.get(Settings.PLANNER_SECRET_VARIABLE))) {
            // Keeping the planner's role takes CREATEROLE, which the migration role is refused so that it stays no
            // more than the owner of the schemas it migrates.
            throw new ConfigurationException(Settings.PLANNER_SECRET_VARIABLE + " is set together with "
                    + Settings.IAM_USER_VARIABLE + ": the migration role may not create roles, so it cannot keep the"
                    + " planner's role; run the planner's migrator with the master secret, or remove one of them");
        }
        String sslMode = blank(env.get(Settings.SSL_MODE_VARIABLE)) ? "verify-full"
                : env.get(Settings.SSL_MODE_VARIABLE).trim().toLowerCase(Locale.ROOT);
        if (!sslMode.equals("verify-full") && !sslMode.equals("verify-ca")) {
            // The token is a password for 15 minutes: sent to a server whose certificate is not checked, whoever answers
            // in the database's place could log in with it.
            throw new ConfigurationException(Settings.SSL_MODE_VARIABLE + " is '" + sslMode + "' together with "
                    + Settings.IAM_USER_VARIABLE + ": an authentication token is only sent to a verified server; use"
                    + " verify-full (the default) or verify-ca");
        }
        String region = blank(env.get("AWS_REGION")) ? null : env.get("AWS_REGION").trim();
        if (region == null || !REGION.matcher(region).matches()) {
            throw new ConfigurationException(Settings.IAM_USER_VARIABLE + " is set but AWS_REGION is '" + region
                    + "': the token is signed for the database's region; set AWS_REGION (Lambda sets it)");
        }
        return new IamAuthentication(role, region);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
