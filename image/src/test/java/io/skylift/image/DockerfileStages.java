package io.skylift.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Dockerfile, read into its stages (no Docker engine runs where the tests run): what the image's
 * entry point, training step and cache copy are, so that the tests, the layout and the benchmark use exactly those.
 */
public record DockerfileStages(List<Stage> stages) {
    /** {@code LAMBDA_TASK_ROOT} of the Lambda base image. */
    public static final String TASK_ROOT = "/var/task";
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(--from=(\\S+)\\s+)?(\\S+)\\s+(\\S+)$");
    private static final Pattern EXEC_FORM = Pattern.compile("^(ENTRYPOINT|CMD)\\s+\\[(.*)]$");

    /** One {@code FROM} and the instructions after it (comments dropped, continuation lines joined). */
    public record Stage(String from, String name, List<String> instructions) {
        /** The instructions starting with {@code keyword}. */
        public List<String> all(String keyword) {
            return instructions.stream().filter(line -> line.startsWith(keyword + " ")).toList();
        }
    }

    public static DockerfileStages read() {
        return read(ImageLayout.REPOSITORY.resolve("Dockerfile"));
    }

    public static DockerfileStages read(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Stage> stages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String instruction = current.append(line).toString().replaceAll("\\s+", " ").strip();
            current.setLength(0);
            if (instruction.startsWith("FROM ")) {
                String[] parts = instruction.split(" ");
                String image = parts[1].startsWith("--platform") ? parts[2] : parts[1];
                String name = parts.length >= 2 && parts[parts.length - 2].equalsIgnoreCase("AS")
                        ? parts[parts.length - 1] : null;
                stages.add(new Stage(image, name, new ArrayList<>()));
            } else if (!instruction.isEmpty()) {
                stages.get(stages.size() - 1).instructions().add(instruction);
            }
        }
        return new DockerfileStages(List.copyOf(stages));
    }

    /** The stage named {@code name}. */
    public Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name + " in the Dockerfile"));
    }

    /** The last stage: the image. */
    public Stage image() {
        return stages.get(stages.size() - 1);
    }

    /** The image's {@code ENTRYPOINT} then {@code CMD}, in exec form: the command Lambda starts the image with. */
    public List<String> startCommand() {
        List<String> command = new ArrayList<>();
        for (String keyword : List.of("ENTRYPOINT", "CMD")) {
            String line = lastIn(image(), keyword).orElseThrow(() -> new AssertionError("no " + keyword));
            Matcher matcher = EXEC_FORM.matcher(line);
            if (!matcher.matches()) {
                throw new AssertionError(keyword + " must be in exec form: " + line);
            }
            for (String part : matcher.group(2).split(",")) {
                command.add(part.strip().replaceAll("^\"|\"$", ""));
            }
        }
        return command;
    }

    /** The training stage's {@code RUN} of {@link TrainingRun}, as words (quotes removed). */
    public List<String> trainingCommand() {
        String run = stage("training").all("RUN").stream().filter(l -> l.contains(TrainingRun.class.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no RUN of TrainingRun in the training stage"));
        return Arrays.stream(run.substring("RUN ".length()).split(" ")).map(w -> w.replace("\"", "")).toList();
    }

    /** The image path the training run is told to write the cache to (its last argument). */
    public String trainedCache() {
        List<String> command = trainingCommand();
        return command.get(command.size() - 1);
    }

    /** The image path of the bootstrap the training run starts (its first argument). */
    public String trainedBootstrap() {
        List<String> command = trainingCommand();
        return command.get(command.indexOf(TrainingRun.class.getName()) + 1);
    }

    /** The repository path the function stage copies to {@code /var/task/bootstrap}. */
    public String bootstrapSource() {
        return copies(stage("function")).stream()
                .filter(c -> c.from() == null && c.target().equals(TASK_ROOT + "/bootstrap")).map(Copy::source)
                .findFirst().orElseThrow(() -> new AssertionError("the function stage copies no bootstrap"));
    }

    /** The {@code COPY} lines of {@code stage} as (from stage or null, source, target with the task root expanded). */
    public List<Copy> copies(Stage stage) {
        return stage.all("COPY").stream().map(COPY::matcher).filter(Matcher::matches)
                .map(m -> new Copy(m.group(2), m.group(3), m.group(4).replace("${LAMBDA_TASK_ROOT}", TASK_ROOT)))
                .toList();
    }

    /** One {@code COPY}: {@code from} is the stage copied from, null for the build context. */
    public record Copy(String from, String source, String target) {
    }

    private static Optional<String> lastIn(Stage stage, String keyword) {
        List<String> lines = stage.all(keyword);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1));
    }
}
