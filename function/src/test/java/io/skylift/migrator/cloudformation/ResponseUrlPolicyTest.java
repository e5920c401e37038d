package io.skylift.migrator.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseUrlPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws?X-Amz-Signature=ab",
            "https://cloudformation-custom-resource-response-uswest2.s3-us-west-2.amazonaws.com/arn?Signature=x",
            "https://cloudformation-custom-resource-response-eucentral1.s3.eu-central-1.amazonaws.com/a",
            "https://s3.ap-southeast-2.amazonaws.com/bucket/key",
            "https://s3.amazonaws.com/bucket/key",
            "https://bucket.s3.dualstack.us-east-1.amazonaws.com/key",
            "https://bucket.s3-fips.us-gov-west-1.amazonaws.com/key",
            "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/a",
            "https://BUCKET.S3.US-EAST-1.AMAZONAWS.COM:443/key",
            "http://127.0.0.1:8080/answer",
            "http://localhost:9000/answer",
            "http://[::1]:9000/answer"})
    void cloudformations_s3_urls_and_loopback_are_accepted(String url) {
        assertThat(ResponseUrlPolicy.refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/plain-http",
            "https://example.com/answer",
            "https://s3.amazonaws.com.attacker.example/answer",
            "https://bucket.s3.amazonaws.com:8443/key",
            "https://user:pw@bucket.s3.amazonaws.com/key",
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "https://db.cluster-abc.us-east-1.rds.amazonaws.com/",
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions",
            "http://10.0.3.7/internal",
            "ftp://bucket.s3.amazonaws.com/key",
            "file:///etc/passwd",
            "not a url"})
    void any_other_url_is_refused_with_a_reason(String url) {
        assertThat(ResponseUrlPolicy.refusal(url)).isPresent().get().asString().contains("ResponseURL");
    }
}
