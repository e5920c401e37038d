package io.skylift.infra.pipeline;

import io.skylift.infra.CdkCliVersion;
import io.skylift.infra.MigratorStack;
import io.skylift.infra.SkyliftStage;
import io.skylift.infra.config.PipelineSettings;
import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import io.skylift.infra.config.ContextReader;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.Step;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.Cache;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.LocalCacheMode;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codestarconnections.CfnConnection;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The delivery pipeline (CDK Pipelines, pipeline type V2): source from a repository connection,
 * synth with Maven and the pinned CDK CLI, then the {@code Dev} stage and, behind a manual approval,
 * the {@code Prod} stage; before the approval a step that invokes that stage's planner, after each stage's deploy a
 * step that invokes that stage's migrator.
 */
public final class PipelineStack extends Stack {

    private final CodePipeline pipeline;
    private final List<SkyliftStage> stages = new ArrayList<>();
    private final List<Role> stepRoles = new ArrayList<>();

    public PipelineStack(Construct scope, String id, Props props) {
        super(scope, id, stackProps(props.settings()));
        SkyliftSettings settings = props.settings();
        PipelineSettings source = settings.pipeline();

        if (source.repositoryIsPlaceholder()) {
            Annotations.of(this).addWarningV2("skylift:repository",
                    "Context key 'repository' is not set: the pipeline watches the placeholder "
                            + source.repository() + " and its source action fails until you set owner/name");
        }

        boolean arm = "arm64".equals(settings.migrator().architecture());
        boolean crossAccount = settings.stages().stream().anyMatch(settings::isCrossAccount);
        CodePipelineSource repository = repositorySource(settings);
        pipeline = CodePipeline.Builder.create(this, "Pipeline")
                .pipelineName(settings.namePrefix())
                .pipelineType(PipelineType.V2)
                // Self-mutation installs this CLI: the one package.json pins, never npm's "latest".
                .cliVersion(CdkCliVersion.read(props.repositoryRoot()))
                .crossAccountKeys(crossAccount)
                .enableKeyRotation(crossAccount)
                .dockerEnabledForSynth(true)
                .synth(synthStep(repository))
                .synthCodeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder().buildImage(LinuxBuildImage.STANDARD_7_0).build())
                        .cache(Cache.local(LocalCacheMode.CUSTOM, LocalCacheMode.DOCKER_LAYER))
                        .build())
                // The image is built for the function's architecture: an arm64 image builds natively on an
                // arm64 build host, where an x86 host would need an emulator that CodeBuild's image lacks.
                .assetPublishingCodeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder()
                                .buildImage(arm ? LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0
                                        : LinuxBuildImage.STANDARD_7_0)
                                .build())
                        .build())
                .build();

        for (StageSettings stageSettings : settings.stages()) {
            SkyliftStage stage = new SkyliftStage(this, stageSettings.displayName(), settings, stageSettings,
                    props.repositoryRoot().resolve("migrations"));
            stages.add(stage);
            List<Step> pre = stageSettings.name().equals("dev") ? List.of()
                    : planThenApprove(repository, settings, stageSettings);
            String migrateId = "Migrate" + stageSettings.displayName();
            String migratorArn = functionArn(settings, stageSettings,
                    MigratorStack.functionName(settings, stageSettings));
            Duration functionTimeout = Duration.minutes(settings.migrator().timeoutMinutes());
            // Without a workflow (the default) the step invokes the migrator; with one it starts the workflow.
            CodeBuildStep migrate = stageSettings.workflow().isEmpty()
                    ? MigrateStep.create(migrateId, migrateStepRole(settings, stageSettings), repository, migratorArn,
                            stage.getMigratorArnOutput(), functionTimeout)
                    : MigrateStep.createWithWorkflow(migrateId, migrateStepRole(settings, stageSettings), repository,
                            migratorArn, stage.getMigratorArnOutput(), functionTimeout,
                            workflow(settings, stageSettings, stage.getMigrator().getWorkflowArnOutput()));
            pipeline.addStage(stage, AddStageOpts.builder()
                    .pre(pre)
                    .post(List.of(migrate))
                    .build());
        }
        // Built now, not at synth time, so the generated constructs exist for the suppressions.
        pipeline.buildPipeline();
        PipelineSuppressions.apply(pipeline, stepRoles);
    }

    /**
     * Before a promoted stage: the plan of this commit against the stage's database, then the manual approval,
     * whose comment says where the plan is.
     */
    private List<Step> planThenApprove(CodePipelineSource source, SkyliftSettings settings, StageSettings stage) {
        String planId = "Plan" + stage.displayName();
        CodeBuildStep plan = PlanStep.create(planId, stepRole(planId + "Role", PlanStep.roleName(settings, stage),
                        "Skylift: the " + stage.name() + " stage's plan step, before its approval; may only invoke that"
                                + " stage's planner (plan, lint, info, validate, drift as a read-only database role)"),
                source, stage.name(), functionArn(settings, stage, MigratorStack.plannerFunctionName(settings, stage)),
                Duration.minutes(settings.migrator().timeoutMinutes()),
                DriftGate.acceptedDrift(new ContextReader(getNode()::tryGetContext), stage.name()));
        ManualApprovalStep approval = ManualApprovalStep.Builder.create("Promote" + stage.displayName())
                .comment(PlanStep.approvalComment(planId, stage.name()))
                .build();
        approval.addStepDependency(plan);
        return List.of(plan, approval);
    }

    /** The pipeline. */
    public CodePipeline getPipeline() {
        return pipeline;
    }

    /** The stages, in deployment order. */
    public List<SkyliftStage> getStages() {
        return List.copyOf(stages);
    }

    /** The post-deploy step's role, under a fixed name that a stage in another account names in its resource policy. */
    private Role migrateStepRole(SkyliftSettings settings, StageSettings stage) {
        return stepRole("Migrate" + stage.displayName() + "Role", MigrateStep.roleName(settings, stage),
                "Skylift: the " + stage.name() + " stage's post-deploy step; the only principal of this account that"
                        + " may invoke that stage's migrator");
    }

    /** A step's CodeBuild role under a fixed name, which a stage in another account names in its resource policy. */
    private Role stepRole(String id, String name, String description) {
        Role role = Role.Builder.create(this, id)
                .roleName(name)
                .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                .description(description)
                .build();
        stepRoles.add(role);
        return role;
    }

    // The ARN is built from the function's physical name, so the step's policy names that one function
    // although the stage's stack does not exist when the pipeline stack is deployed.
    private String functionArn(SkyliftSettings settings, StageSettings stage, String functionName) {
        return formatArn(ArnComponents.builder()
                .service("lambda")
                .resource("function")
                .resourceName(functionName)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .account(settings.accountOf(stage).orElse(null))
                .region(settings.regionOf(stage).orElse(null))
                .build());
    }

    /** A stage's workflow named from its fixed name, as the step's policy needs it before the stage exists. */
    private MigrateStep.Workflow workflow(SkyliftSettings settings, StageSettings stage, CfnOutput arnOutput) {
        String name = MigratorStack.workflowName(settings, stage);
        return new MigrateStep.Workflow(
                statesArn(settings, stage, "stateMachine", name),
                List.of(statesArn(settings, stage, "execution", name + ":*"),
                        statesArn(settings, stage, "execution", name + "/*")),
                List.of(statesArn(settings, stage, "mapRun", name + "/*")),
                arnOutput);
    }

    private String statesArn(SkyliftSettings settings, StageSettings stage, String resource, String resourceName) {
        return formatArn(ArnComponents.builder()
                .service("states")
                .resource(resource)
                .resourceName(resourceName)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .account(settings.accountOf(stage).orElse(null))
                .region(settings.regionOf(stage).orElse(null))
                .build());
    }

    private CodePipelineSource repositorySource(SkyliftSettings settings) {
        PipelineSettings source = settings.pipeline();
        // Without an ARN the stack creates the connection; it stays PENDING until an administrator
        // completes the handshake with the provider in the console (docs/pipeline.md, Deploy step 5).
        String connectionArn = source.connectionArn().orElseGet(() -> CfnConnection.Builder.create(this, "Connection")
                .connectionName(settings.namePrefix())
                .providerType(source.connectionProvider())
                .build()
                .getAttrConnectionArn());
        return CodePipelineSource.connection(source.repository(), source.branch(), ConnectionSourceOptions.builder()
                .connectionArn(connectionArn)
                .triggerOnPush(true)
                .build());
    }

    /**
     * The JDK the synth builds the function with (its release is 25; CodeBuild's images offer Corretto 21): the JDK of
     * the Maven image the image build used before the construct staged prebuilt jars, copied out of the image.
     */
    static final String SYNTH_JDK_IMAGE = "public.ecr.aws/docker/library/maven:3.9.11-eclipse-temurin-25";

    private static CodeBuildStep synthStep(CodePipelineSource source) {
        return CodeBuildStep.Builder.create("Synth")
                .input(source)
                // The tests first (the README's command), then cdk.json's app builds the function and the construct
                // that carries it (JDK 25) and runs the infra module (Java 21) through the Maven wrapper; the CLI
                // needs Node.
                .partialBuildSpec(BuildSpec.fromObject(Map.of(
                        "phases", Map.of("install", Map.of("runtime-versions", Map.of("nodejs", "20"))),
                        "cache", Map.of("paths", List.of("/root/.m2/**/*", "/root/.npm/**/*")))))
                .commands(List.of(
                        "docker create --name skylift-jdk " + SYNTH_JDK_IMAGE,
                        "docker cp skylift-jdk:/opt/java/openjdk /opt/jdk-25 && docker rm skylift-jdk",
                        "export JAVA_HOME=/opt/jdk-25 PATH=/opt/jdk-25/bin:$PATH",
                        "npm ci",
                        // The README's test command: nothing deploys that its tests did not pass on this commit.
                        "./mvnw -B verify",
                        "npx cdk synth"))
                .primaryOutputDirectory("cdk.out")
                .build();
    }

    private static StackProps stackProps(SkyliftSettings settings) {
        StackProps.Builder builder = StackProps.builder()
                .stackName(settings.namePrefix() + "-pipeline")
                .description("Skylift: pipeline that deploys the database stages and migrates their schema");
        PipelineSettings pipeline = settings.pipeline();
        if (pipeline.account().isPresent() || pipeline.region().isPresent()) {
            builder.env(Environment.builder()
                    .account(pipeline.account().orElse(null))
                    .region(pipeline.region().orElse(null))
                    .build());
        }
        return builder.build();
    }

    /**
     * Pipeline stack properties.
     *
     * @param settings       all settings
     * @param repositoryRoot the repository root: home of {@code migrations/} and of package.json
     */
    public record Props(SkyliftSettings settings, Path repositoryRoot) {
        public Props {
            Objects.requireNonNull(settings, "settings must not be null");
            Objects.requireNonNull(repositoryRoot, "repositoryRoot must not be null");
        }
    }
}
