package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.database.Database;
import io.skylift.construct.MigrationTarget;
import io.skylift.construct.MigrationTrigger;
import io.skylift.construct.MigrationWorkflow;
import io.skylift.construct.MigrationWorkflowProps;
import io.skylift.construct.MigratorMonitoring;
import io.skylift.construct.Runner;
import io.skylift.construct.PlaceholderSecret;
import io.skylift.construct.SchemaMigrator;
import io.skylift.construct.SchemaMigratorProps;
import io.skylift.infra.monitoring.AlarmTopic;
import io.skylift.infra.monitoring.DriftWatch;
import io.skylift.infra.network.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import io.skylift.infra.pipeline.MigrateStep;
import io.skylift.infra.pipeline.PlanStep;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Permission;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * One stage's stateless half: the migrator function, the planner (the same image, only plan, lint, info, validate and
 * drift, as a read-only database role with a secret of its own), the custom resource that migrates on every deploy and
 * comes last in the stack, the functions' network access to the database and Secrets Manager, the alarms, and the
 * outputs operators and the pipeline read. It depends on the stage's {@link DataStack}, which holds the alarm topic.
 *
 * <p>A failed migration fails and rolls back this stack only. After a failed first deploy it is left in
 * {@code ROLLBACK_COMPLETE} and holds nothing of value: deleting it is the recovery (docs/runbook.md).
 *
 * <p>The ingress rules that admit the migrator to the database and to the Secrets Manager endpoint live
 * here, with the migrator's security group, rather than in the data stack: a rule there would name this
 * stack's security group, and the data stack would then depend on this one (a cycle). Here they also roll
 * back with the migrator, and the custom resource can wait for them by name.
 */
public final class MigratorStack extends Stack {

    /** Output: schema version after this deploy's migration. */
    public static final String OUTPUT_SCHEMA_VERSION = "SchemaVersion";
    /** Output: migrations this deploy applied. */
    public static final String OUTPUT_MIGRATIONS_APPLIED = "MigrationsApplied";
    /** Output: the migrator's ARN, which the pipeline's post-deploy step invokes. */
    public static final String OUTPUT_MIGRATOR_ARN = "MigratorFunctionArn";
    /** Output: the migration workflow's (state machine's) ARN, which the post-deploy step starts when the stage has one. */
    public static final String OUTPUT_WORKFLOW_ARN = "MigrationWorkflowArn";
    /** Output: the planner's ARN, which the plan step before a promoted stage's approval invokes. */
    public static final String OUTPUT_PLANNER_ARN = "PlannerFunctionArn";

    private final SchemaMigrator migrator;
    private final CfnOutput migratorArnOutput;
    private final MigrationWorkflow workflow;
    private final CfnOutput workflowArnOutput;

    public MigratorStack(Construct scope, String id, StageStackProps props, DataStack data) {
        super(scope, id, props.stackProps(nameOf(props.settings(), props.stage()),
                "Skylift " + props.stage().name() + ": the Flyway migrator, its custom resource and its alarms",
                // Never protected: deleting it is how a failed first deploy is cleared, and it holds no data.
                false));
        Objects.requireNonNull(data, "data must not be null");
        SkyliftSettings settings = props.settings();
        StageSettings stage = props.stage();
        Network network = data.getNetwork();
        Database database = data.getDatabase();
        addStackDependency(data, "the migrator runs in the data stack's network against its cluster and secrets");

        Duration timeout = Duration.minutes(settings.migrator().timeoutMinutes());
        String functionName = functionName(settings, stage);
        AlarmTopic alarmTopic = data.getAlarmTopic();
        migrator = new SchemaMigrator(this, "Migrator", SchemaMigratorProps.builder()
                .vpc(network.getVpc())
                .vpcSubnets(network.getWorkloadSubnets())
                .database(database.getCluster())
                .databasePort(Database.PORT)
                .databaseSecret(database.getMasterSecret())
                .migrationsDirectory(props.migrationsDirectory().toString())
                // V4__create_app_role.sql sets the application role's password from the application secret.
                .placeholderSecrets(Map.of("app_password",
                        PlaceholderSecret.fromSecret(database.getAppSecret(), "password")))
                .functionName(functionName)
                // The planner: what the plan step before a promotion invokes, never the migrator.
                .planner(true)
                .databaseName(settings.database().databaseName())
                .plannerFunctionName(plannerFunctionName(settings, stage))
                .architecture("x86_64".equals(settings.migrator().architecture()) ? Architecture.X86_64
                        : Architecture.ARM_64)
                .timeout(timeout)
                .memorySize(settings.migrator().memoryMb())
                .logRetention(settings.migrator().logRetention())
                .alarmTopic(alarmTopic.getTopic())
                .dashboardName(functionName)
                // A stage whose workflow runs Fargate tasks migrates after the deploy (the post-deploy step), not in it.
                .migrateOn(stage.migratesOnDeploy() ? MigrationTrigger.EVERY_DEPLOY : MigrationTrigger.NEVER)
                .deployId(stage.migratesOnDeploy() ? settings.deployId().toString() : null)
                // Everything the migration needs from the data stack (CDK makes it the stack dependency above); the
                // construct adds its function, permissions, log group and ingress rules.
                .dependsOn(List.<IDependable>of(database.getCluster(), database.getWriter(), database.getAppSecret(),
                        network.getVpc()))
                .build());
        // The endpoint has private DNS in the app's own VPC: the functions reach it by Secrets Manager's usual name.
        migrator.allowTo("SecretsManagerIngress", network.getSecretsManagerEndpoint(), Port.tcp(443),
                "Secrets Manager (HTTPS) from the migrator");
        // A stage in another account is migrated by the pipeline's post-deploy step and, for a promoted stage, planned
        // by its plan step; both run in the pipeline's account. The post-deploy step's role (named, so this stack can
        // name it) may invoke the migrator, the plan step's role the planner, and no other principal of that account
        // either. In the same account the steps' roles need no resource policy: their own policies name their one
        // function, and nothing here grants invocation to anyone else.
        if (settings.isCrossAccount(stage)) {
            migrator.getFunction().addPermission("PipelineStepInvoke", Permission.builder()
                    .principal(pipelineRole(settings, MigrateStep.roleName(settings, stage)))
                    .action("lambda:InvokeFunction")
                    .build());
            if (!stage.name().equals("dev")) {
                migrator.getPlanner().addPermission("PlanStepInvoke", Permission.builder()
                        .principal(pipelineRole(settings, PlanStep.roleName(settings, stage)))
                        .action("lambda:InvokeFunction")
                        .build());
            }
        }
        workflow = stage.workflow()
                .map(runner -> workflow(settings, stage, network, runner, alarmTopic)).orElse(null);
        MigratorMonitoring monitoring = migrator.getMonitoring();
        // The daily check runs on the planner: drift only reads, and the planner can do nothing else.
        DriftWatch drift = new DriftWatch(this, "DriftWatch", migrator.getPlanner(), alarmTopic.getTopic());

        if (migrator.getMigration() != null) {
            output(OUTPUT_SCHEMA_VERSION, migrator.getSchemaVersion(),
                    "Schema version after this deploy's migration ('none' for an empty database)");
            output(OUTPUT_MIGRATIONS_APPLIED, migrator.getMigrationsApplied(),
                    "Migrations this deploy applied (0 when the schema was already current)");
        }
        workflowArnOutput = workflow == null ? null : output(OUTPUT_WORKFLOW_ARN, workflow.getStateMachineArn(),
                "The migration workflow: aws stepfunctions start-execution --state-machine-arn <this> --input"
                        + " '{\"command\":\"migrate\"}' (docs/fargate-and-many-databases.md)");
        migratorArnOutput = output(OUTPUT_MIGRATOR_ARN, migrator.getFunction().getFunctionArn(),
                "The migrator: aws lambda invoke --function-name <this> --payload '{\"command\":\"info\"}' ...");
        output("MigratorFunctionName", migrator.getFunction().getFunctionName(), "The migrator's function name");
        output(OUTPUT_PLANNER_ARN, migrator.getPlanner().getFunctionArn(), "The planner (plan, lint, info, validate,"
                + " drift; a read-only database role): aws lambda invoke --function-name <this> --payload"
                + " '{\"command\":\"info\"}' ...");
        output("DashboardName", monitoring.getDashboard().getDashboardName(), "CloudWatch dashboard of the migrator");
        output("ErrorAlarmName", monitoring.getErrorAlarm().getAlarmName(), "Alarm on the migrator's errors");
        output("MigrationFailedAlarmName", monitoring.getMigrationFailedAlarm().getAlarmName(),
                "Alarm on failed migrations (every caller, the custom resource included)");
        output("SchemaDriftAlarmName", drift.getAlarm().getAlarmName(),
                "Alarm on schema drift, checked daily: the database changed outside its migrations");
        output("PlannerErrorAlarmName", drift.getPlannerErrorAlarm().getAlarmName(),
                "Alarm on the planner's errors: a daily drift check (or a plan) that could not answer");
    }

    /**
     * The stage's migration workflow over its one database, by the stage's runner (Lambda, or the same image as an ECS
     * Fargate task); its task is admitted to the Secrets Manager endpoint and, for Fargate, to the endpoints it pulls
     * its image and writes its logs through. A failed target notifies the alarm topic.
     */
    private MigrationWorkflow workflow(SkyliftSettings settings, StageSettings stage, Network network, Runner runner,
            AlarmTopic alarmTopic) {
        MigrationWorkflow created = new MigrationWorkflow(this, "Workflow", MigrationWorkflowProps.builder()
                .targets(List.of(MigrationTarget.of(stage.name(), migrator).runBy(runner)))
                .stateMachineName(workflowName(settings, stage))
                .logRetention(settings.migrator().logRetention())
                .build());
        List<InterfaceVpcEndpoint> endpoints = new ArrayList<>(List.of(network.getSecretsManagerEndpoint()));
        endpoints.addAll(network.getTaskEndpoints());
        int n = 0;
        for (InterfaceVpcEndpoint endpoint : endpoints) {
            for (ISecurityGroup group : endpoint.getConnections().getSecurityGroups()) {
                // Here, with the task's security group, as the migrator's rules are: see the class comment.
                CfnSecurityGroupIngress.Builder.create(this, "WorkflowEndpointIngress" + ++n)
                        .groupId(group.getSecurityGroupId())
                        .sourceSecurityGroupId(created.getConnections().getSecurityGroups().getFirst()
                                .getSecurityGroupId())
                        .ipProtocol("tcp")
                        .fromPort(443)
                        .toPort(443)
                        .description("HTTPS from the Skylift migration task")
                        .build();
            }
        }
        Alarm.Builder.create(this, "WorkflowFailedTargetsAlarm")
                .alarmName(workflowName(settings, stage) + "-failed-targets")
                .alarmDescription("A target of the " + stage.name() + " migration workflow failed: the execution's"
                        + " history names it and its cause")
                .metric(created.metricFailedTargets())
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build()
                .addAlarmAction(new SnsAction(alarmTopic.getTopic()));
        return created;
    }

    /** The physical name of a stage's migration workflow: {@code <namePrefix>-<stage>-migrations}. */
    public static String workflowName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-migrations";
    }

    /** The migration workflow, or null when the stage has none ({@code <stage>Workflow} none). */
    public MigrationWorkflow getWorkflow() {
        return workflow;
    }

    /** The output holding the workflow's ARN, or null when the stage has none. */
    public CfnOutput getWorkflowArnOutput() {
        return workflowArnOutput;
    }

    /** The migrator: function, custom resource, alarms and dashboard. */
    public SchemaMigrator getMigrator() {
        return migrator;
    }

    /** The output holding the migrator's ARN, for the pipeline's post-deploy step. */
    public CfnOutput getMigratorArnOutput() {
        return migratorArnOutput;
    }

    /** The stack name, {@code <namePrefix>-<stage>-migrator}. */
    public static String nameOf(SkyliftSettings settings, StageSettings stage) {
        return DataStack.nameOf(settings, stage) + "-migrator";
    }

    /** The physical name of a stage's migrator function: {@code <namePrefix>-<stage>-migrator}. */
    public static String functionName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-migrator";
    }

    /** The physical name of a stage's planner function: {@code <namePrefix>-<stage>-planner}. */
    public static String plannerFunctionName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-planner";
    }

    /** A role of the pipeline's account, by its fixed name. */
    private ArnPrincipal pipelineRole(SkyliftSettings settings, String roleName) {
        return new ArnPrincipal(formatArn(ArnComponents.builder()
                .service("iam")
                .region("")
                .account(settings.pipeline().account().orElseThrow())
                .resource("role")
                .resourceName(roleName)
                .build()));
    }

    private CfnOutput output(String id, String value, String description) {
        return CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
