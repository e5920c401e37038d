package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import io.skylift.migrator.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs where the tests run, so this checks what the Dockerfile promises instead of building it:
 * the CMD names a handler that exists, every path it copies exists, and the function looks for the migrations
 * where the image puts them.
 */
class DockerfileTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(--from=(\\S+)\\s+)?(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern ADD_URL =
            Pattern.compile("^ADD\\s+(--chmod=([0-7]{3,4})\\s+)?(https?://\\S+)\\s+(\\S+)\\s*$");
    static final String RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";
    private static final Pattern CMD = Pattern.compile("^CMD\\s+\\[\\s*\"([^\"]+)\"\\s*]\\s*$");

    private static List<String> lines() throws IOException {
        return Files.readAllLines(ROOT.resolve("Dockerfile")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /**
     * What the Lambda image is: the lines of the last stage and of the stages it is built {@code FROM}, base first (the
     * last stage adds the AOT cache to the function stage).
     */
    private static List<String> imageStages() throws IOException {
        List<String> all = lines();
        List<List<String>> stages = new ArrayList<>();
        for (String line : all) {
            if (line.startsWith("FROM ")) {
                stages.add(new ArrayList<>());
            }
            stages.get(stages.size() - 1).add(line);
        }
        List<String> image = new ArrayList<>(stages.get(stages.size() - 1));
        String base = image.get(0).split("\\s+")[1];
        for (int i = stages.size() - 2; i >= 0; i--) {
            String[] from = stages.get(i).get(0).split("\\s+");
            if (from.length == 4 && from[3].equals(base)) {
                image.addAll(0, stages.get(i));
                base = from[1];
            }
        }
        return image;
    }

    @Test
    void the_image_is_the_pinned_aws_lambda_java_25_base() throws IOException {
        String from = imageStages().get(0);
        assertThat(from).matches("FROM public\\.ecr\\.aws/lambda/java:25\\.[0-9.]+(@sha256:[0-9a-f]{64})?( AS \\S+)?");
    }

    @Test
    void the_cmd_names_a_handler_class_and_method_that_exist() throws Exception {
        String handler = imageStages().stream().map(CMD::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).findFirst().orElseThrow();
        String[] parts = handler.split("::");
        Class<?> type = Class.forName(parts[0]);
        assertThat(com.amazonaws.services.lambda.runtime.RequestStreamHandler.class).isAssignableFrom(type);
        Method method = type.getMethod(parts[1], InputStream.class, OutputStream.class, Context.class);
        assertThat(Modifier.isPublic(method.getModifiers())).isTrue();
        assertThat(type.getConstructor()).as("Lambda needs a public no-argument constructor").isNotNull();
    }

    @Test
    void every_copied_path_exists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String line : lines()) {
            Matcher copy = COPY.matcher(line);
            if (!copy.matches()) {
                continue;
            }
            String source = copy.group(3);
            if (copy.group(2) == null) {
                // From the build context: a file of the repository, or an output of one of its modules (the build
                // stage takes what Maven built, which is not there yet while this module's tests run, before package).
                if (!Files.exists(ROOT.resolve(source)) && !isModuleOutput(source)) {
                    missing.add(line);
                }
            } else if (copy.group(2).equals("build")) {
                // The build stage's outputs, under /build as in the repository: made by a module of this build.
                if (!isModuleOutput(source.replaceFirst("^/build/", ""))) {
                    missing.add(line);
                }
            }
        }
        assertThat(missing).as("COPY sources that do not exist").isEmpty();
    }

    /** {@code <module>/target/<something>} of a module of this build. */
    private static boolean isModuleOutput(String path) {
        String[] parts = path.split("/");
        return parts.length >= 3 && parts[1].equals("target") && Files.isRegularFile(ROOT.resolve(parts[0])
                .resolve("pom.xml"));
    }

    @Test
    void migrations_land_where_the_function_looks_by_default() throws IOException {
        String target = imageStages().stream().map(COPY::matcher).filter(Matcher::matches)
                .filter(m -> m.group(3).equals("migrations")).map(m -> m.group(4)).findFirst().orElseThrow();
        String taskRoot = "/var/task";
        String resolved = target.replace("${LAMBDA_TASK_ROOT}", taskRoot).replaceAll("/+$", "");
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", "db", "LAMBDA_TASK_ROOT", taskRoot));
        assertThat(settings.defaultLocation()).isEqualTo("filesystem:" + resolved);
    }

    @Test
    void the_rds_ca_bundle_is_fetched_from_amazon_at_build_time_to_where_the_function_looks_by_default()
            throws IOException {
        List<Matcher> downloads = imageStages().stream().map(ADD_URL::matcher).filter(Matcher::matches).toList();
        assertThat(downloads).as("ADD <url> lines of the image").hasSize(1);
        Matcher bundle = downloads.get(0);
        assertThat(bundle.group(3)).as("Amazon's official location, over HTTPS").isEqualTo(RDS_CA_BUNDLE_URL);
        String taskRoot = "/var/task";
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", "db", "LAMBDA_TASK_ROOT", taskRoot));
        assertThat(bundle.group(4).replace("${LAMBDA_TASK_ROOT}", taskRoot)).isEqualTo(settings.sslRootCert());
        assertThat(settings.sslMode()).isEqualTo("verify-full");
        assertThat(bundle.group(2)).as("--chmod: Lambda's non-root user must read it (ADD of a URL makes it 600)")
                .isNotNull().endsWith("4");
    }

    @Test
    void the_docker_context_lets_through_what_the_dockerfile_copies() throws IOException {
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
        for (String line : lines()) {
            Matcher copy = COPY.matcher(line);
            if (copy.matches() && copy.group(2) == null) {
                String source = copy.group(3);
                assertThat(ignore).as(".dockerignore must let %s through", source)
                        .anyMatch(entry -> entry.equals("!" + source) || source.startsWith(entry.substring(1) + "/")
                                && entry.startsWith("!"));
            }
        }
    }
}
