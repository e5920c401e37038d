package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An {@code aws} command line stand-in for the pipeline steps' shell commands, and the way to run those commands with
 * it: under {@code sh -e} (as CodeBuild runs them: the first failing command fails the step), with the real {@code jq}
 * and the stand-in first on the {@code PATH}. The stand-in records each call's arguments in {@code calls.log}, reads
 * {@code aws lambda invoke}'s options into {@code $payload} and its result file into {@code $out} (and
 * {@code aws stepfunctions}' action and options into {@code $action}, {@code $execution}, {@code $map_run} and
 * {@code $input}), then runs the answer
 * the test gives it: like {@code aws lambda invoke}, the status on stdout and the result in {@code $out}, or a message
 * on stderr and a non-zero exit.
 */
final class AwsCliStandIn {

    private final Path bin;

    private AwsCliStandIn(Path bin) {
        this.bin = bin;
    }

    /** What the step's commands did: their exit code, output, and the stand-in's recorded calls. */
    record Run(int exit, String stdout, String stderr, List<String> calls) {
    }

    /**
     * Writes the stand-in into {@code bin}, answering with {@code answer} (shell lines that may read {@code $payload},
     * {@code $out} and the environment the test passes to {@link #run}).
     */
    static AwsCliStandIn install(Path bin, String... answer) throws IOException {
        Assumptions.assumeTrue(onPath("jq"), "jq is on CodeBuild's standard image; this machine has none");
        List<String> lines = new ArrayList<>(List.of(
                "#!/bin/sh",
                "echo \"$*\" >> \"$CALLS\"",
                "payload=''; out=''; action=''; execution=''; map_run=''; input=''",
                "while [ $# -gt 0 ]; do",
                "  case \"$1\" in",
                "    --payload) payload=\"$2\"; shift 2 ;;",
                "    stepfunctions) action=\"$2\"; shift 2 ;;",
                "    --execution-arn) execution=\"$2\"; shift 2 ;;",
                "    --map-run-arn) map_run=\"$2\"; shift 2 ;;",
                "    --input) input=\"$2\"; shift 2 ;;",
                "    --state-machine-arn|--status-filter) shift 2 ;;",
                "    --region|--function-name|--cli-binary-format|--cli-read-timeout) shift 2 ;;",
                "    lambda|invoke) shift ;;",
                "    *) out=\"$1\"; shift ;;",
                "  esac",
                "done"));
        lines.addAll(List.of(answer));
        lines.add("");
        Path aws = bin.resolve("aws");
        Files.writeString(aws, String.join("\n", lines), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new AwsCliStandIn(bin);
    }

    /** Runs {@code commands} in {@code work} with {@code environment} added, within 30 seconds. */
    Run run(List<String> commands, Path work, Map<String, String> environment) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-e", "-c", String.join("\n", commands))
                .directory(work.toFile());
        Map<String, String> env = builder.environment();
        Map<String, String> values = new HashMap<>(environment);
        Path calls = work.resolve("calls.log");
        values.put("CALLS", calls.toString());
        values.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(values);
        builder.redirectOutput(work.resolve("stdout").toFile()).redirectError(work.resolve("stderr").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the commands finish").isTrue();
        return new Run(process.exitValue(), Files.readString(work.resolve("stdout")),
                Files.readString(work.resolve("stderr")),
                Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
