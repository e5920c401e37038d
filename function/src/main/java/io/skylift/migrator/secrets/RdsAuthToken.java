package io.skylift.migrator.secrets;

import io.skylift.migrator.config.IamAuthentication;
import io.skylift.migrator.database.PasswordSource;
import io.skylift.migrator.failure.ConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Amazon RDS IAM authentication tokens for one database user, used as the login's password: a SigV4 presigned
 * {@code GET https://<host>:<port>/?Action=connect&DBUser=<user>} for the service {@code rds-db}, valid for 15
 * minutes, without the {@code https://}. This is what the SDK's {@code RdsUtilities.generateAuthenticationToken}
 * makes, signed here by the SDK's own {@link AwsV4HttpSigner} (already on the class path for Secrets Manager), which
 * spares the function the 6 MB {@code rds} client jar. Signing is local: no endpoint is called.
 *
 * <p>A token is a bearer credential for 15 minutes: it is never logged, and {@link #toString()} names only the user.
 */
public final class RdsAuthToken implements PasswordSource {
    /** The longest Amazon RDS accepts; checked only at login, so a long migration outlives its token unharmed. */
    public static final Duration VALIDITY = Duration.ofMinutes(15);
    private static final String SERVICE = "rds-db";
    private static final String SCHEME = "https://";

    private final String host;
    private final int port;
    private final String user;
    private final String region;
    private final Supplier<? extends AwsCredentialsIdentity> credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param credentials asked for each token (Lambda's are short-lived session credentials, refreshed by the provider)
     * @param clock       the signing time (tests fix it)
     */
    public RdsAuthToken(String host, int port, String user, String region,
                        Supplier<? extends AwsCredentialsIdentity> credentials, Clock clock) {
        this.host = Objects.requireNonNull(host, "host must not be null");
        this.port = port;
        this.user = Objects.requireNonNull(user, "user must not be null");
        this.region = Objects.requireNonNull(region, "region must not be null");
        this.credentials = Objects.requireNonNull(credentials, "credentials must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /**
     * Tokens for the migration role of {@code iam} at {@code host:port}, signed with the default credentials provider
     * (in Lambda: the function role's credentials from the environment).
     */
    public static RdsAuthToken withDefaultCredentials(String host, int port, IamAuthentication iam) {
        DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build();
        return new RdsAuthToken(host, port, iam.role(), iam.region(), provider::resolveCredentials,
                Clock.systemUTC());
    }

    /**
     * A token signed now.
     *
     * @throws ConfigurationException when no AWS credentials can be found to sign it
     */
    @Override
    public String password() {
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.get();
        } catch (SdkException e) {
            throw new ConfigurationException("No AWS credentials to sign the IAM authentication token for database"
                    + " user '" + user + "': " + e.getMessage() + ". In Lambda the function's role provides them;"
                    + " elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile)");
        }
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(host)
                .port(port)
                .encodedPath("/")
                .putRawQueryParameter("Action", "connect")
                .putRawQueryParameter("DBUser", user)
                .build();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, VALIDITY)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        return signed.getUri().toString().substring(SCHEME.length());
    }

    @Override
    public String toString() {
        return "RdsAuthToken[" + user + "@" + host + ":" + port + ", region=" + region + ", token=<masked>]";
    }
}
