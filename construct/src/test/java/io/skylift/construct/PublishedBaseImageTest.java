package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The migrator on the published base image ({@code baseImage}): the image asset's context is a Dockerfile FROM that
 * image by digest and the migrations, nothing of the function, and nothing run; an unpinned reference is refused.
 */
class PublishedBaseImageTest {
    private static final String BASE_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/skylift-migrator-base"
            + "@sha256:" + "89abcdef01234567".repeat(4);

    @TempDir
    static Path outdir;

    private static Stack stack;
    private static IVpc vpc;
    private static Path staged;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synthesize() {
        App app = App.Builder.create().outdir(outdir.toString())
                .context(Map.of("aws:cdk:enable-asset-metadata", true)).build();
        stack = new Stack(app, "Orders");
        vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder().vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a")).isolatedSubnetIds(List.of("subnet-1")).build());
        new SchemaMigrator(stack, "Migrator", valid().baseImage(BASE_IMAGE).build());
        Template template = Template.fromStack(stack);
        app.synth();
        Map<String, Object> function = template.findResources("AWS::Lambda::Function").values().iterator().next();
        staged = outdir.resolve((String) ((Map<String, Object>) function.get("Metadata")).get("aws:asset:path"));
    }

    private static SchemaMigratorProps.Builder valid() {
        return SchemaMigratorProps.builder()
                .vpc(vpc)
                .database(SecurityGroup.fromSecurityGroupId(stack, "Db" + System.nanoTime(), "sg-1"))
                .databaseSecret(Secret.fromSecretNameV2(stack, "Secret" + System.nanoTime(), "db"))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString());
    }

    @Test
    void the_image_context_is_only_a_dockerfile_and_the_migrations() throws IOException {
        assertThat(names(staged)).containsExactly("Dockerfile", "migrations");
        for (String name : names(SchemaMigratorTest.MIGRATIONS)) {
            assertThat(staged.resolve("migrations").resolve(name))
                    .hasSameBinaryContentAs(SchemaMigratorTest.MIGRATIONS.resolve(name));
        }
    }

    @Test
    void its_dockerfile_starts_from_the_base_image_by_digest_and_runs_nothing() throws IOException {
        List<String> instructions = Files.readAllLines(staged.resolve("Dockerfile")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(instructions).containsExactly("ARG SKYLIFT_BASE_IMAGE=" + BASE_IMAGE, "FROM ${SKYLIFT_BASE_IMAGE}",
                "COPY migrations ${LAMBDA_TASK_ROOT}/migrations/");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"123456789012.dkr.ecr.eu-west-1.amazonaws.com/skylift-migrator-base:1.4.0",
            "skylift-migrator-base", "registry.example/base@sha256:0123", "registry.example/base@sha512:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""})
    void a_base_image_not_pinned_by_digest_is_refused_with_the_form_it_must_have(String reference) {
        assertThatThrownBy(() -> valid().baseImage(reference).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("baseImage must be pinned by digest", "@sha256:<64 hex digits>",
                        "got " + reference);
    }

    @Test
    void a_workflow_refuses_targets_whose_task_images_differ_in_their_base_image() {
        SchemaMigrator onBase = (SchemaMigrator) stack.getNode().findChild("Migrator");
        SchemaMigrator fromArtifact = new SchemaMigrator(stack, "FromArtifact", valid().build());
        assertThatThrownBy(() -> new MigrationWorkflow(stack, "Workflow", MigrationWorkflowProps.builder()
                .targets(List.of(MigrationTarget.of("eu", onBase), MigrationTarget.of("us", fromArtifact))).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("target us", "baseImage", "one task image serves them all");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
