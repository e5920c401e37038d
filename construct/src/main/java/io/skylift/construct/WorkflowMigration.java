package io.skylift.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.customresources.Provider;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A deploy's migration through a {@link MigrationWorkflow}: a custom resource (CDK's Provider framework) whose
 * {@code onEvent} starts an execution with {@code {"command": <command>}} on every deploy and whose {@code isComplete}
 * looks at it every 30 seconds until it ends; a failed execution fails the deploy with its error and cause.
 *
 * <p>Only for runs that fit CloudFormation's hour: a custom resource cannot be waited for longer (its
 * {@code ServiceTimeout} is at most 3,600 s; aws/aws-cdk#24974), so {@code timeout} is at most 55 minutes. Beyond that
 * the pipeline's post-deploy step is the caller (it may wait for hours). Give the targets' migrators
 * {@link MigrationTrigger#NEVER}, or each database migrates twice per deploy (once by its own custom resource).
 *
 * <p>Delete answers at once without touching anything. CloudFormation's rollback of a failed update (the old
 * properties, whose {@code DeployId} is this synthesis's own in {@code OldResourceProperties}) starts nothing, the rule
 * the migrator's own custom resource follows.
 */
public class WorkflowMigration extends Construct {
    /** The custom resource's type. */
    public static final String RESOURCE_TYPE = "Custom::SkyliftWorkflowMigration";
    /**
     * CloudFormation waits at most an hour for a custom resource; the framework's waiter starts after {@code onEvent}
     * and answers only at its next look, so 5 minutes are kept back: the deploy then fails with the workflow's own
     * cause, never with CloudFormation's "no response".
     */
    public static final Duration MAX_TIMEOUT = Duration.minutes(55);

    private final CustomResource resource;

    /**
     * @param workflow the workflow to run
     * @param timeout  how long the deploy waits for the execution; at most {@link #MAX_TIMEOUT}
     * @param command  the command, usually {@code migrate}
     * @param deployId this synthesis's id (an ISO-8601 UTC instant): a new value makes every deploy an Update
     */
    public WorkflowMigration(Construct scope, String id, MigrationWorkflow workflow, Duration timeout, String command,
                             String deployId) {
        super(scope, id);
        Objects.requireNonNull(workflow, "workflow must not be null");
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(command, "command must not be null");
        if (timeout.toSeconds().intValue() < 60 || timeout.toSeconds().intValue() > MAX_TIMEOUT.toSeconds().intValue()) {
            throw new IllegalArgumentException("timeout must be from 1 to 55 minutes (CloudFormation waits at most an hour"
                    + " for a custom resource), was " + timeout.toHumanString() + "; for longer runs let the pipeline's"
                    + " post-deploy step start the workflow");
        }
        String checkedDeployId = SchemaMigration.checkedDeployId(
                deployId == null ? SchemaMigrationProps.synthTime() : deployId, MigrationTrigger.EVERY_DEPLOY);

        Code code = Code.fromInline(handlerSource());
        Function onEvent = handler("OnEvent", "index.onEvent", code, Map.of("SKYLIFT_DEPLOY_ID", checkedDeployId));
        Function isComplete = handler("IsComplete", "index.isComplete", code, Map.of());
        workflow.getStateMachine().grantStartExecution(onEvent);
        workflow.getStateMachine().grantRead(isComplete);

        Provider provider = Provider.Builder.create(this, "Provider")
                .onEventHandler(onEvent)
                .isCompleteHandler(isComplete)
                .queryInterval(Duration.seconds(30))
                .totalTimeout(timeout)
                .build();
        resource = CustomResource.Builder.create(this, "Resource")
                .resourceType(RESOURCE_TYPE)
                .serviceToken(provider.getServiceToken())
                .properties(Map.of("StateMachineArn", workflow.getStateMachineArn(), "Command", command,
                        "DeployId", checkedDeployId))
                .build();
        suppressNagFindings(provider, onEvent, isComplete);
    }

    private Function handler(String id, String handler, Code code, Map<String, String> environment) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        return Function.Builder.create(this, id)
                .runtime(Runtime.NODEJS_24_X)
                .handler(handler)
                .code(code)
                .timeout(Duration.seconds(30))
                .environment(environment)
                .logGroup(logs)
                .build();
    }

    private static String handlerSource() {
        try (InputStream in = WorkflowMigration.class.getResourceAsStream("workflow-migration.js")) {
            return new String(Objects.requireNonNull(in, "workflow-migration.js is missing").readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void suppressNagFindings(Provider provider, Function onEvent, Function isComplete) {
        for (Function function : List.of(onEvent, isComplete)) {
            NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM4")
                    .reason("The AWS-managed AWSLambdaBasicExecutionRole grants only writing the function's own logs.")
                    .appliesTo(List.of(
                            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                    .build()), true);
        }
        NagSuppressions.addResourceSuppressions(isComplete, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Reading the workflow's executions (execution:<name>:*), whose ids Step Functions generates.")
                .build()), true);
        NagSuppressions.addResourceSuppressions(provider, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("CDK's Provider framework functions use AWSLambdaBasicExecutionRole: their own logs.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("CDK's Provider framework invokes the two handlers' versions (<arn>:*) and runs its"
                                + " waiter state machine's executions.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-L1")
                        .reason("CDK's Provider framework picks its own functions' Node.js runtime with the CDK release.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-SF1")
                        .reason("The Provider framework's waiter only calls isComplete every 30 s and onTimeout at the"
                                + " end; each of those functions logs every call in its own log group. CDK renders the"
                                + " waiter without a LoggingConfiguration.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-SF2")
                        .reason("The Provider framework's waiter only retries isComplete; X-Ray tracing of it shows"
                                + " nothing the workflow's own trace lacks.")
                        .build()), true);
    }

    /** The custom resource. */
    public CustomResource getResource() {
        return resource;
    }
}
