package io.skylift.migrator.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.failure.ConfigurationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The token is checked against tokens other implementations of AWS's documented algorithm made, with the same fixed
 * time, keys, host, port, user and region: the AWS SDK's own {@code DefaultRdsUtilitiesTest}, the Perl
 * {@code Signer::AWSv4::RDS} tests (which also spell out the canonical request and string to sign) and a Java RDS
 * JDBC library's tests with session credentials (what Lambda gives a function). Amazon RDS recomputes the same
 * signature at login, so equal signatures mean a token RDS accepts for those credentials.
 */
class RdsAuthTokenTest {

    @Test
    void the_token_is_the_one_the_aws_sdks_rds_utilities_make_for_the_same_inputs() {
        String token = token("host.us-east-1.amazonaws.com", 3306, "mySQLUser", "us-east-1",
                AwsCredentialsIdentity.create("access_key", "secret_key"), "2016-11-07T17:39:33Z");

        // aws-sdk-java-v2, services/rds DefaultRdsUtilitiesTest.testTokenGenerationWithBuilderDefaults
        assertThat(token).startsWith("host.us-east-1.amazonaws.com:3306/?");
        assertThat(query(token)).isEqualTo(query("host.us-east-1.amazonaws.com:3306/?DBUser=mySQLUser&Action=connect&"
                + "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20161107T173933Z&X-Amz-SignedHeaders=host&"
                + "X-Amz-Expires=900&X-Amz-Credential=access_key%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request&"
                + "X-Amz-Signature=87ab58107ef49f1c311a412f98b7f976b0b5152ffb559f0d36c6c9a0c5e0e362"));
    }

    @Test
    void the_token_matches_a_second_implementations_vector_signed_for_another_region_than_the_hosts_name() {
        String token = token("mydb.c1fycpveg7nf.us-west-2.rds.amazonaws.com", 3306, "mysqluser", "eu-west-1",
                AwsCredentialsIdentity.create("AKIAKIAKIAKIAKIAKIAK", "1111111111111111111111111111111111111111"),
                "2018-07-22T20:22:36Z");

        assertThat(query(token)).containsEntry("X-Amz-Credential", "AKIAKIAKIAKIAKIAKIAK/20180722/eu-west-1/rds-db/"
                        + "aws4_request")
                .containsEntry("X-Amz-Signature", "b77c366f1379046852039d21f733035fa73696275c03dd2908ef267c3049d831");
    }

    @Test
    void session_credentials_sign_their_session_token_into_the_token() {
        String token = token("dbhost.xyz.eu-west-1.amazonaws.com", 3306, "iam_user", "eu-west-1",
                AwsSessionCredentialsIdentity.create("IAMKEYINSTANCE", "asdfqwertypolly", "mytoken"),
                "2018-09-19T16:02:42Z");

        assertThat(query(token)).isEqualTo(query("dbhost.xyz.eu-west-1.amazonaws.com:3306/?Action=connect&"
                + "DBUser=iam_user&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=IAMKEYINSTANCE%2F20180919%2F"
                + "eu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20180919T160242Z&X-Amz-Expires=900&"
                + "X-Amz-Security-Token=mytoken&X-Amz-SignedHeaders=host&"
                + "X-Amz-Signature=8966604a85aa991ef9bed5135aa8565e0e22ae375d2b85892a16e1a642ae0bd1"));
    }

    @Test
    void each_token_is_signed_at_the_time_it_is_asked_for_and_lives_fifteen_minutes() {
        Instant[] now = {Instant.parse("2026-12-04T10:00:00Z")};
        Clock moving = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RdsAuthToken tokens = new RdsAuthToken("db.cluster-abc.eu-west-1.rds.amazonaws.com", 5432, "skylift_migrator",
                "eu-west-1", () -> AwsCredentialsIdentity.create("AKIDEXAMPLE", "secret"), moving);

        String first = tokens.password();
        now[0] = now[0].plusSeconds(14 * 60);
        String second = tokens.password();

        assertThat(first).startsWith("db.cluster-abc.eu-west-1.rds.amazonaws.com:5432/?");
        assertThat(query(first)).containsEntry("Action", "connect").containsEntry("DBUser", "skylift_migrator")
                .containsEntry("X-Amz-Expires", "900").containsEntry("X-Amz-Date", "20261204T100000Z");
        assertThat(query(second)).containsEntry("X-Amz-Date", "20261204T101400Z");
    }

    @Test
    void missing_credentials_are_a_configuration_error_and_the_token_never_shows_in_to_string() {
        RdsAuthToken tokens = new RdsAuthToken("db.example", 5432, "skylift_migrator", "eu-west-1", () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        }, Clock.systemUTC());

        assertThatThrownBy(tokens::password).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No AWS credentials to sign the IAM authentication token")
                .hasMessageContaining("'skylift_migrator'");
        RdsAuthToken signing = new RdsAuthToken("db.example", 5432, "skylift_migrator", "eu-west-1",
                () -> AwsCredentialsIdentity.create("AKIDEXAMPLE", "secret"), Clock.systemUTC());
        String token = signing.password();
        assertThat(signing.toString()).doesNotContain(query(token).get("X-Amz-Signature")).contains("<masked>");
    }

    private static String token(String host, int port, String user, String region, AwsCredentialsIdentity identity,
                                String at) {
        return new RdsAuthToken(host, port, user, region, () -> identity,
                Clock.fixed(Instant.parse(at), ZoneOffset.UTC)).password();
    }

    /** The token's query parameters, decoded: their order in the URL is not signed (the canonical form sorts them). */
    private static Map<String, String> query(String token) {
        Map<String, String> parameters = new TreeMap<>();
        Arrays.stream(token.substring(token.indexOf('?') + 1).split("&")).forEach(pair -> {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        });
        return parameters;
    }
}
