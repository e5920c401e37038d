package io.skylift.infra.monitoring;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The SNS topic the migrator's alarms notify: encrypted with its own rotated KMS key (CloudWatch alarms cannot
 * publish to a topic under the AWS-managed SNS key, whose policy does not admit them), and refusing
 * publishers that do not use TLS. Operators subscribe to it (docs/pipeline.md, Outputs).
 */
public final class AlarmTopic extends Construct {

    private final Topic topic;

    /**
     * @param topicName physical name, so the ARN subscribers use survives the stack being deleted and recreated
     */
    public AlarmTopic(Construct scope, String id, String topicName) {
        super(scope, id);
        Objects.requireNonNull(topicName, "topicName must not be null");

        Key key = Key.Builder.create(this, "Key")
                .description("Skylift: encrypts the notifications of topic " + topicName)
                .enableKeyRotation(true)
                // Protects nothing but alarm notifications in flight: it may go with its stack.
                .removalPolicy(RemovalPolicy.DESTROY)
                .pendingWindow(Duration.days(7))
                .build();
        // CloudWatch publishes the alarm's notification to the encrypted topic on the account's behalf.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsOfThisAccount")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount())))
                .build());

        topic = Topic.Builder.create(this, "Topic")
                .topicName(topicName)
                .displayName("Skylift migrator alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
    }

    /** The topic. */
    public Topic getTopic() {
        return topic;
    }
}
