package io.skylift.construct;

import io.skylift.contract.EnvironmentVariables;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.skylift.contract.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.Connections;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.Chain;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.CustomState;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.DistributedMap;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.Result;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.tasks.CallAwsService;
import software.constructs.Construct;

/**
 * A command over many databases on Step Functions, beside the migrators that deploy them one by one (which stay as they
 * are): the canary targets first (a Distributed Map that tolerates no failure), then the others (a Distributed Map with
 * {@code maxConcurrency} and {@code toleratedFailurePercentage}), each target by its migrator's Lambda function or by
 * the same image as an ECS Fargate task ({@code bootstrap task <command>}, no 15-minute limit) in the migrators'
 * subnets, with its own role and a security group admitted to each target's database.
 *
 * <p>Input (every field optional): {@code {"command": "migrate", "runner": "LAMBDA"|"FARGATE", "canaries": [...],
 * "targets": [...]}}; by default the command is {@code migrate}, the runner Lambda, and the lists the construct's
 * targets. An item is {@code {"name", "function", "secret", "runner"?, "environment"?}}; {@code environment} is the
 * task's environment for that target as ECS lists it ({@code [{"Name", "Value"}]}): the construct's targets carry their
 * migrator's (its secret, placeholders, schemas and planner secret), so each task runs as that target's function would;
 * an item without one runs with the variables all targets share and its {@code secret}. The output lists every target
 * with its {@code result}: the function's result, or the task's exit code. A failed target counts in
 * {@link #metricFailedTargets}.
 */
public class MigrationWorkflow extends Construct implements IConnectable {
    /** The metric namespace, shared with the function's metrics. */
    public static final String NAMESPACE = Metrics.NAMESPACE;
    /** The metric counting failed targets, by {@value #WORKFLOW_DIMENSION}. */
    public static final String FAILED_TARGETS_METRIC = "FailedTargets";
    public static final String WORKFLOW_DIMENSION = "Workflow";
    /** The task's container, whose command and database secret each target overrides. */
    public static final String CONTAINER_NAME = "migrator";

    private final StateMachine stateMachine;
    private final FargateTaskDefinition taskDefinition;
    private final SecurityGroup taskSecurityGroup;
    private final String workflowName;

    public MigrationWorkflow(Construct scope, String id, MigrationWorkflowProps props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");
        workflowName = getNode().getPath();
        SchemaMigratorProps image = sameImage(props.getTargets());

        taskSecurityGroup = SecurityGroup.Builder.create(this, "TaskSecurityGroup")
                .vpc(image.getVpc())
                .description("Skylift migration task " + workflowName)
                // In isolated subnets egress reaches only the VPC: the database and the endpoints.
                .allowAllOutbound(true)
                .build();
        admitToDatabases(props.getTargets());

        Cluster cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(image.getVpc())
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        taskDefinition = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(props.getTaskCpu())
                .memoryLimitMiB(props.getTaskMemoryMiB())
                .runtimePlatform(RuntimePlatform.builder()
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .cpuArchitecture(image.getArchitecture() == Architecture.X86_64 ? CpuArchitecture.X86_64
                                : CpuArchitecture.ARM64)
                        .build())
                .build();
        LogGroup taskLogs = LogGroup.Builder.create(this, "TaskLogs")
                .retention(props.getLogRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        ContainerDefinition container = taskDefinition.addContainer(CONTAINER_NAME, ContainerDefinitionOptions.builder()
                .image(MigratorImage.containerImage(image.getMigrationsDirectory(), image.getArchitecture(),
                        image.getBaseImage()))
                // The image's entry point stays (/var/task/bootstrap); the command selects the task mode.
                .command(List.of("task", "migrate"))
                // What every target shares; each target's own environment is set as container overrides.
                .environment(sharedEnvironment(props.getTargets()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(taskLogs).streamPrefix("task").build()))
                // ECS's default: SIGTERM, then SIGKILL after 30 s; the task cancels its statement within a few.
                .stopTimeout(Duration.seconds(30))
                .build());
        for (MigrationTarget target : props.getTargets()) {
            target.migrator().props().getDatabaseSecret().grantRead(taskDefinition.getTaskRole());
            SchemaMigrator.grantSecretKey(target.migrator().props(), taskDefinition.getTaskRole(), Stack.of(this));
        }
        for (MigrationTarget target : props.getTargets()) {
            target.migrator().props().getPlaceholderSecrets().values()
                    .forEach(secret -> secret.getSecret().grantRead(taskDefinition.getTaskRole()));
            if (target.migrator().getPlannerSecret() != null) {
                // A migrate by the task keeps the target's planner role, as the function's does: it reads its secret.
                target.migrator().getPlannerSecret().grantRead(taskDefinition.getTaskRole());
            }
        }

        Pass defaults = Pass.Builder.create(this, "Defaults")
                .comment("The construct's targets, command migrate and runner LAMBDA, where the input names none")
                .result(Result.fromObject(Map.of("command", "migrate", "runner", Runner.LAMBDA.name(),
                        "canaries", items(props.getTargets(), true), "targets", items(props.getTargets(), false))))
                .resultPath("$.defaults")
                .build();
        Pass input = Pass.Builder.create(this, "Input")
                .parameters(Map.of("run.$", "States.JsonMerge($.defaults, $, false)"))
                .outputPath("$.run")
                .build();
        DistributedMap canaries = targetMap("Canaries", "$.canaries", props.getMaxConcurrency(), 0,
                "$.canaryResults");
        canaries.itemProcessor(itemProcessor("Canary", cluster, container, image));
        DistributedMap rest = targetMap("Targets", "$.targets", props.getMaxConcurrency(),
                props.getToleratedFailurePercentage(), "$.results");
        rest.itemProcessor(itemProcessor("Target", cluster, container, image));

        LogGroup workflowLogs = LogGroup.Builder.create(this, "WorkflowLogs")
                .retention(props.getLogRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName(props.getStateMachineName())
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromChainable(Chain.start(defaults).next(input).next(canaries)
                        .next(rest)))
                .tracingEnabled(true)
                // Every state's events, without the data they carry (targets' results are in the execution's history).
                .logs(LogOptions.builder().destination(workflowLogs).level(LogLevel.ALL).includeExecutionData(false)
                        .build())
                .build();
        for (MigrationTarget target : props.getTargets()) {
            target.migrator().getFunction().grantInvoke(stateMachine);
        }
        grantRunTask(cluster);
        suppressNagFindings();
    }

    /** Every target's image must be the one the task runs: the same migrations, architecture and VPC. */
    private static SchemaMigratorProps sameImage(List<MigrationTarget> targets) {
        SchemaMigratorProps first = targets.getFirst().migrator().props();
        for (MigrationTarget target : targets) {
            SchemaMigratorProps other = target.migrator().props();
            if (!other.getMigrationsDirectory().equals(first.getMigrationsDirectory())
                    || other.getArchitecture() != first.getArchitecture() || other.getVpc() != first.getVpc()
                    || !Objects.equals(other.getBaseImage(), first.getBaseImage())) {
                throw new IllegalArgumentException("target " + target.name() + ": every target's migrator must have "
                        + "the same migrationsDirectory, architecture, baseImage and vpc as target "
                        + targets.getFirst().name() + " (one task image serves them all)");
            }
        }
        return first;
    }

    private void admitToDatabases(List<MigrationTarget> targets) {
        Set<String> admitted = new LinkedHashSet<>();
        int n = 0;
        for (MigrationTarget target : targets) {
            SchemaMigratorProps props = target.migrator().props();
            for (ISecurityGroup database : props.getDatabase().getConnections().getSecurityGroups()) {
                if (admitted.add(database.getNode().getPath() + ":" + props.getDatabasePort())) {
                    CfnSecurityGroupIngress.Builder.create(this, "DatabaseIngress" + ++n)
                            .groupId(database.getSecurityGroupId())
                            .sourceSecurityGroupId(taskSecurityGroup.getSecurityGroupId())
                            .ipProtocol("tcp")
                            .fromPort(props.getDatabasePort())
                            .toPort(props.getDatabasePort())
                            .description("PostgreSQL from the Skylift migration task")
                            .build();
                }
            }
        }
    }

    private static List<Map<String, Object>> items(List<MigrationTarget> targets, boolean canaries) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (MigrationTarget target : targets) {
            if (target.canary() == canaries) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", target.name());
                item.put("function", target.migrator().getFunction().getFunctionArn());
                item.put("secret", target.migrator().props().getDatabaseSecret().getSecretArn());
                if (target.runner() != null) {
                    item.put("runner", target.runner().name());
                }
                item.put("environment", containerEnvironment(target.migrator().taskEnvironment()));
                items.add(item);
            }
        }
        return items;
    }

    /** The environment as ECS's container override lists it, sorted by name (one synthesis, one template). */
    private static List<Map<String, String>> containerEnvironment(Map<String, String> environment) {
        return new TreeMap<>(environment).entrySet().stream()
                .map(variable -> Map.of("Name", variable.getKey(), "Value", variable.getValue()))
                .toList();
    }

    /**
     * The variables every target sets to the same value: the task definition's own environment, which a target's
     * overrides add to but cannot remove from (ECS merges them), so nothing of one target reaches another's run. The
     * database's endpoint and name never: an input item that names only its secret must reach that secret's database.
     */
    private static Map<String, String> sharedEnvironment(List<MigrationTarget> targets) {
        Map<String, String> shared = new TreeMap<>(targets.getFirst().migrator().taskEnvironment());
        for (MigrationTarget target : targets) {
            shared.entrySet().retainAll(target.migrator().taskEnvironment().entrySet());
        }
        shared.keySet().removeAll(List.of(EnvironmentVariables.DB_HOST, EnvironmentVariables.DB_PORT,
                EnvironmentVariables.DB_NAME));
        return shared;
    }

    private DistributedMap targetMap(String id, String itemsPath, int maxConcurrency, int tolerated,
                                     String resultPath) {
        return DistributedMap.Builder.create(this, id)
                .itemsPath(itemsPath)
                .itemSelector(Map.of(
                        "command.$", "$.command",
                        "runner.$", "$.runner",
                        "taskCommand.$", "States.Array('task', $.command)",
                        "target.$", "$$.Map.Item.Value"))
                .maxConcurrency(maxConcurrency)
                .toleratedFailurePercentage(tolerated)
                .mapExecutionType(StateMachineType.STANDARD)
                .resultPath(resultPath)
                .build();
    }

    /** One target: its runner (its own, else the input's), the run, and a failure counted in the metric. */
    private IChainable itemProcessor(String prefix, Cluster cluster, ContainerDefinition container,
                                     SchemaMigratorProps image) {
        CallAwsService countFailure = CallAwsService.Builder.create(this, prefix + "CountFailure")
                .service("cloudwatch")
                .action("putMetricData")
                .iamAction("cloudwatch:PutMetricData")
                .iamResources(List.of("*"))
                .parameters(Map.of("Namespace", NAMESPACE, "MetricData", List.of(Map.of(
                        "MetricName", FAILED_TARGETS_METRIC,
                        "Dimensions", List.of(Map.of("Name", WORKFLOW_DIMENSION, "Value", workflowName)),
                        "Value", 1,
                        "Unit", "Count"))))
                .resultPath(JsonPath.DISCARD)
                .build();
        Fail failed = Fail.Builder.create(this, prefix + "Failed")
                .error("Skylift.TargetFailed")
                .causePath("$.failure.Cause")
                .build();
        Chain onFailure = Chain.start(countFailure).next(failed);

        CustomState lambda = CustomState.Builder.create(this, prefix + "Lambda")
                .stateJson(Map.of(
                        "Type", "Task",
                        "Resource", "arn:" + Aws.PARTITION + ":states:::lambda:invoke",
                        "Parameters", Map.of("FunctionName.$", "$.target.function",
                                "Payload", Map.of("command.$", "$.command")),
                        "ResultSelector", Map.of("payload.$", "$.Payload"),
                        "ResultPath", "$.result"))
                .build();
        lambda.addCatch(onFailure, software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
                .resultPath("$.failure").build());

        // ECS's .sync integration written out (CDK's EcsRunTask lists a container override's variables one by one by
        // name; a target's whole environment, a list, needs Environment.$). Its permissions are granted below.
        CustomState fargate = CustomState.Builder.create(this, prefix + "Fargate")
                .stateJson(Map.of(
                        "Type", "Task",
                        "Resource", "arn:" + Aws.PARTITION + ":states:::ecs:runTask.sync",
                        "Parameters", Map.of(
                                "Cluster", cluster.getClusterArn(),
                                "TaskDefinition", taskDefinition.getTaskDefinitionArn(),
                                "LaunchType", "FARGATE",
                                "PlatformVersion", "LATEST",
                                "NetworkConfiguration", Map.of("AwsvpcConfiguration", Map.of(
                                        "Subnets", image.getVpc().selectSubnets(image.getVpcSubnets()).getSubnetIds(),
                                        "SecurityGroups", List.of(taskSecurityGroup.getSecurityGroupId()),
                                        "AssignPublicIp", "DISABLED")),
                                "Overrides", Map.of("ContainerOverrides", List.of(Map.of(
                                        "Name", CONTAINER_NAME,
                                        "Command.$", "$.taskCommand",
                                        "Environment.$", "$.taskEnvironment.variables")))),
                        "ResultSelector", Map.of("exitCode.$", "$.Containers[0].ExitCode",
                                "stoppedReason.$", "$.StoppedReason", "taskArn.$", "$.TaskArn"),
                        "ResultPath", "$.result"))
                .build();
        // A target of the construct carries its environment; one the input names may give only its secret.
        Pass ownEnvironment = Pass.Builder.create(this, prefix + "OwnEnvironment")
                .parameters(Map.of("variables.$", "$.target.environment"))
                .resultPath("$.taskEnvironment")
                .build();
        Pass secretOnly = Pass.Builder.create(this, prefix + "SecretOnly")
                .comment("A target without an environment: the task definition's shared one and its database secret")
                .parameters(Map.of("variables", List.of(Map.of(
                        "Name", SchemaMigrator.DB_SECRET_ARN, "Value.$", "$.target.secret"))))
                .resultPath("$.taskEnvironment")
                .build();
        ownEnvironment.next(fargate);
        secretOnly.next(fargate);
        Choice environment = Choice.Builder.create(this, prefix + "Environment").build()
                .when(Condition.isPresent("$.target.environment"), ownEnvironment)
                .otherwise(secretOnly);
        fargate.addCatch(onFailure, software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
                .resultPath("$.failure").build());
        // ECS's .sync integration succeeds when the task stops, whatever its exit status: the status decides here.
        Pass taskFailed = Pass.Builder.create(this, prefix + "TaskExitStatus")
                .parameters(Map.of("Cause.$", "States.Format('the task exited with status {}: {}', "
                        + "$.result.exitCode, $.result.stoppedReason)"))
                .resultPath("$.failure")
                .build();
        taskFailed.next(onFailure);
        Succeed succeeded = Succeed.Builder.create(this, prefix + "Succeeded").build();
        Choice exitStatus = Choice.Builder.create(this, prefix + "ExitedZero").build()
                .when(Condition.numberEquals("$.result.exitCode", 0), succeeded)
                .otherwise(taskFailed);
        fargate.next(exitStatus);
        lambda.next(succeeded);

        return Choice.Builder.create(this, prefix + "Runner").build()
                .when(Condition.and(Condition.isPresent("$.target.runner"),
                        Condition.stringEquals("$.target.runner", Runner.FARGATE.name())), environment)
                .when(Condition.and(Condition.isNotPresent("$.target.runner"),
                        Condition.stringEquals("$.runner", Runner.FARGATE.name())), environment)
                .otherwise(lambda);
    }

    /** What ECS's .sync integration needs (as CDK's EcsRunTask grants it): run, watch and stop this task. */
    private void grantRunTask(Cluster cluster) {
        Stack stack = Stack.of(this);
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:RunTask"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ecs").resource("task-definition")
                        .resourceName(taskDefinition.getFamily() + ":*").build())))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:StopTask", "ecs:DescribeTasks"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ecs").resource("task")
                        .resourceName(cluster.getClusterName() + "/*").build())))
                .build());
        List<String> roles = new ArrayList<>(List.of(taskDefinition.getTaskRole().getRoleArn()));
        roles.add(taskDefinition.obtainExecutionRole().getRoleArn());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:PassRole"))
                .resources(roles)
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("events").resource("rule")
                        .resourceName("StepFunctionsGetEventsForECSTaskRule").build())))
                .build());
    }

    private void suppressNagFindings() {
        NagSuppressions.addResourceSuppressions(stateMachine, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Wildcards CDK's grants and Step Functions' integrations need: lambda:InvokeFunction on each "
                        + "target function's versions (<arn>:*); the Distributed Maps' child executions of this state "
                        + "machine (execution:<name>/*); ECS's .sync integration's managed EventBridge rule; and "
                        + "cloudwatch:PutMetricData, which has no resource-level permissions.")
                .build()), true);
        NagSuppressions.addResourceSuppressions(taskDefinition, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("The execution role's ecr:GetAuthorizationToken has no resource-level permissions; "
                                + "pulling is granted on the image's repository only.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-ECS2")
                        .reason("The environment holds the database secret's ARN and the Flyway placeholders the "
                                + "caller gave as plain values, never a secret's value: those are read at run time.")
                        .build()), true);
    }

    /** The state machine's ARN, for {@code aws stepfunctions start-execution} and a pipeline step. */
    public String getStateMachineArn() {
        return stateMachine.getStateMachineArn();
    }

    /** The state machine. */
    public StateMachine getStateMachine() {
        return stateMachine;
    }

    /** The Fargate task definition ({@code bootstrap task <command>}), for a run outside the workflow. */
    public FargateTaskDefinition getTaskDefinition() {
        return taskDefinition;
    }

    /** Lets {@code grantee} start (and read) the workflow's executions. */
    public Grant grantStartExecution(IGrantable grantee) {
        stateMachine.grantRead(grantee);
        return stateMachine.grantStartExecution(grantee);
    }

    /** Failed targets, summed over {@code period}: each target whose run failed counts one. */
    public Metric metricFailedTargets() {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(FAILED_TARGETS_METRIC)
                .dimensionsMap(Map.of(WORKFLOW_DIMENSION, workflowName))
                .statistic("Sum")
                .period(Duration.minutes(5))
                .build();
    }

    /** The task's security group. */
    @Override
    public Connections getConnections() {
        return taskSecurityGroup.getConnections();
    }
}
