package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image's bootstrap, the one place that says how the function's JVM starts (the image's entry point, the training
 * run and the benchmark all run it): started here with a {@code java} that only records its arguments.
 */
class BootstrapTest {
    private static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String TASK_MAIN = "io.skylift.migrator.task.TaskMain";

    @TempDir
    Path directory;
    private Path taskRoot;
    private Path javaHome;
    private Path recorded;

    @BeforeEach
    void layOut() throws IOException {
        taskRoot = Files.createDirectories(directory.resolve("task"));
        Files.copy(DockerfileStages.REPOSITORY.resolve("image/src/main/lambda/bootstrap"),
                taskRoot.resolve("bootstrap"));
        Path lib = Files.createDirectories(taskRoot.resolve("lib"));
        for (String jar : List.of("skylift-function.jar", "aws-lambda-java-core-1.4.0.jar", "Zeta.jar")) {
            Files.writeString(lib.resolve(jar), "");
        }
        Files.writeString(lib.resolve("notes.txt"), "not a jar");
        javaHome = directory.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        recorded = directory.resolve("arguments");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + recorded + "\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(Map<String, String> environment, String... arguments) throws Exception {
        return run(true, environment, arguments);
    }

    /** @param mergeErrors whether the output holds standard error too, or standard output only */
    private Result run(boolean mergeErrors, Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(taskRoot.resolve("bootstrap").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(mergeErrors);
        if (!mergeErrors) {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
        builder.environment().putAll(environment);
        Files.deleteIfExists(recorded);
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        List<String> java = Files.exists(recorded) ? Files.readAllLines(recorded) : List.of();
        return new Result(process.exitValue(), output, java);
    }

    private record Result(int exitCode, String output, List<String> java) {
        String option(String prefix) {
            return java.stream().filter(a -> a.startsWith(prefix)).findFirst().orElse(null);
        }
    }

    private List<String> withoutAot(List<String> java) {
        return java.stream().filter(a -> !a.startsWith("-XX:AOTCache")).toList();
    }

    @ParameterizedTest(name = "{0} MB")
    @CsvSource({"128, 111411", "512, 445644", "1024, 891289", "10240, 8912896"})
    void the_heap_is_85_percent_of_the_functions_memory_as_lambdas_java_runtime_sets_it(String memory, String heapKb)
            throws Exception {
        Result result = run(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory), HANDLER);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.java()).contains("-XX:MaxHeapSize=" + heapKb + "k");
    }

    @Test
    void the_jvm_runs_lambdas_flags_the_runtime_client_and_the_handler_with_every_jar_on_the_class_path()
            throws Exception {
        Result result = run(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"), HANDLER);

        assertThat(result.java()).as("serial GC, C1 only, IPv4, the RIC's JNI library without a warning")
                .contains("-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                        "-Djava.net.preferIPv4Stack=true", "--enable-native-access=ALL-UNNAMED");
        assertThat(result.java()).endsWith("-cp", String.join(":",
                        taskRoot.resolve("lib/Zeta.jar").toString(),
                        taskRoot.resolve("lib/aws-lambda-java-core-1.4.0.jar").toString(),
                        taskRoot.resolve("lib/skylift-function.jar").toString()),
                RIC_MAIN, HANDLER);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-XX:TieredStopAtLevel=4 | -XX:TieredStopAtLevel=1",
            "-XX:-TieredCompilation | -XX:TieredStopAtLevel=1",
            "-XX:+UseParallelGC | -XX:+UseSerialGC",
            "-Xmx300m | -XX:MaxHeapSize=",
            "-XX:MaxRAMPercentage=50 | -XX:MaxHeapSize="})
    void a_setting_in_java_tool_options_replaces_the_bootstraps_default_as_on_lambda(String userOption,
                                                                                    String leftOut) throws Exception {
        Result result = run(Map.of("JAVA_TOOL_OPTIONS", "-Dcustomer.flag=1 " + userOption), HANDLER);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.java()).as("the JVM would let the command line win over " + userOption)
                .noneMatch(a -> a.startsWith(leftOut));
        assertThat(result.java()).endsWith(RIC_MAIN, HANDLER);
    }

    @Test
    void other_java_tool_options_leave_every_default_in_place() throws Exception {
        Result plain = run(Map.of(), HANDLER);
        Result other = run(Map.of("JAVA_TOOL_OPTIONS", "-Dcustomer.flag=1 -XX:+UseCompressedOops -Xss1m"), HANDLER);

        assertThat(other.java()).isEqualTo(plain.java())
                .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxHeapSize=891289k");
    }

    @Test
    void by_default_it_maps_the_aot_cache_beside_it_and_in_training_writes_that_same_file() throws Exception {
        Result use = run(Map.of(), HANDLER);
        Result train = run(Map.of("SKYLIFT_AOT", "train"), HANDLER);
        Result off = run(Map.of("SKYLIFT_AOT", "off"), HANDLER);

        String cache = taskRoot.resolve("skylift.aot").toString();
        assertThat(use.option("-XX:AOTCache")).isEqualTo("-XX:AOTCache=" + cache);
        assertThat(train.option("-XX:AOTCache")).isEqualTo("-XX:AOTCacheOutput=" + cache);
        assertThat(off.option("-XX:AOTCache")).isNull();
        assertThat(withoutAot(train.java())).as("the training JVM's class path and flags are the function's")
                .isEqualTo(withoutAot(use.java())).isEqualTo(off.java());
        assertThat(use.java()).as("no -Xshare: it would turn the cache's fallback off (or the cache off)")
                .noneMatch(a -> a.startsWith("-Xshare")).noneMatch(a -> a.startsWith("-XX:AOTMode"));
    }

    @Test
    void the_handler_may_come_from_the_handler_variable_as_in_lambdas_own_entry_point() throws Exception {
        Result result = run(Map.of("_HANDLER", HANDLER));

        assertThat(result.exitCode()).isZero();
        assertThat(result.java()).endsWith(RIC_MAIN, HANDLER);
    }

    @Test
    void bad_settings_stop_it_with_a_message_naming_them() throws Exception {
        Map<String, String> badMemory = new HashMap<>(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1GB"));
        assertThat(run(badMemory, HANDLER)).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.output()).contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1GB");
        });
        assertThat(run(Map.of("SKYLIFT_AOT", "maybe"), HANDLER)).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.output()).contains("SKYLIFT_AOT", "use, train or off", "maybe");
        });
        assertThat(run(Map.of())).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.output()).contains("no handler", "_HANDLER");
        });
    }

    @Test
    void the_task_mode_runs_the_task_main_with_its_arguments_whole_after_the_functions_options_and_cache()
            throws Exception {
        String json = "{\"target\": \"5\", \"note\": \"it's $HOME * \\\"quoted\\\"\"}";
        Result task = run(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048"), "task", "migrate", json);
        Result function = run(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048"), HANDLER);

        assertThat(task.exitCode()).as(task.output()).isZero();
        assertThat(task.java()).as("the arguments as given: no word splitting, no globbing, no expansion")
                .endsWith(TASK_MAIN, "migrate", json);
        assertThat(task.java().subList(0, task.java().size() - 3))
                .as("the function's options, class path and AOT cache: the cache needs the class path it was trained on")
                .isEqualTo(function.java().subList(0, function.java().size() - 2))
                .contains("-XX:AOTCache=" + taskRoot.resolve("skylift.aot"), "-XX:+UseSerialGC");
    }

    @Test
    void a_task_without_lambdas_memory_size_takes_85_percent_of_the_containers_memory() throws Exception {
        Result task = run(Map.of(), "task", "info");

        assertThat(task.java()).contains("-XX:MaxRAMPercentage=85").noneMatch(a -> a.startsWith("-XX:MaxHeapSize"));
        assertThat(run(Map.of("JAVA_TOOL_OPTIONS", "-Xmx700m"), "task", "info").java())
                .noneMatch(a -> a.startsWith("-XX:MaxRAMPercentage") || a.startsWith("-XX:MaxHeapSize"));
    }

    @Test
    void a_task_with_no_command_still_reaches_the_task_main_which_explains_the_usage() throws Exception {
        Result task = run(Map.of(), "task");

        assertThat(task.java()).endsWith(TASK_MAIN);
    }

    @Test
    void a_setting_the_bootstrap_refuses_in_the_task_mode_is_exit_2_with_the_tasks_one_json_line() throws Exception {
        Result task = run(false, Map.of("SKYLIFT_AOT", "m\"aybe"), "task", "migrate");

        assertThat(task.exitCode()).isEqualTo(2);
        assertThat(task.java()).as("no JVM started").isEmpty();
        assertThat(task.output().lines().toList()).singleElement().satisfies(line -> {
            JsonNode json = new ObjectMapper().readTree(line);
            assertThat(json.get("command").asText()).isEqualTo("migrate");
            assertThat(json.get("success").asBoolean()).isFalse();
            assertThat(json.get("errorCode").asText()).isEqualTo("CONFIGURATION");
            assertThat(json.get("reason").asText()).contains("SKYLIFT_AOT", "m\"aybe");
        });
    }
}
