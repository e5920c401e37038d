package io.skylift.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Dockerfile read into its stages and instructions: the one place the tests, the staged build
 * ({@link StagedBuild}) and the benchmark parse it. No Docker engine runs where the tests run: {@link StagedBuild}
 * carries these instructions out as written.
 */
public record DockerfileStages(List<Stage> stages) {
    /** {@code LAMBDA_TASK_ROOT} of the Lambda base image. */
    public static final String TASK_ROOT = "/var/task";
    public static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Pattern FLAG = Pattern.compile("^--([a-z-]+)=(\\S+)$");
    private static final Pattern EXEC_FORM = Pattern.compile("^\\[(.*)]$");

    /** One {@code FROM} (its image or earlier stage, and its name) and the instructions after it. */
    public record Stage(String from, String name, List<Instruction> instructions) {
        /** The instructions with {@code keyword}. */
        public List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    /**
     * One instruction, continuation lines joined: its keyword (upper case), its {@code --flag=value}s and the rest of
     * the line ({@code arguments}, as written).
     */
    public record Instruction(String keyword, Map<String, String> flags, String arguments) {
        /** The arguments as words (shell form, no quoting) or as the JSON array's strings (exec form). */
        public List<String> words() {
            Matcher exec = EXEC_FORM.matcher(arguments);
            if (exec.matches()) {
                List<String> words = new ArrayList<>();
                for (String part : exec.group(1).split(",")) {
                    words.add(part.strip().replaceAll("^\"|\"$", ""));
                }
                return words;
            }
            return List.of(arguments.split(" "));
        }

        /** Whether the arguments are in exec (JSON array) form. */
        public boolean execForm() {
            return EXEC_FORM.matcher(arguments).matches();
        }
    }

    public static DockerfileStages read() {
        return read(REPOSITORY.resolve("Dockerfile"));
    }

    public static DockerfileStages read(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Stage> stages = new ArrayList<>();
        Map<String, String> globalArguments = new LinkedHashMap<>();
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
            String text = current.append(line).toString().replaceAll("\\s+", " ").strip();
            current.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            Instruction instruction = parse(text);
            if (instruction.keyword().equals("ARG") && stages.isEmpty()) {
                // A global ARG: only FROM lines may use it, with its default (no --build-arg here or in the image asset).
                String[] nameAndDefault = instruction.arguments().split("=", 2);
                if (nameAndDefault.length != 2) {
                    throw new IllegalStateException("the global " + text + " needs a default: the image is built "
                            + "without --build-arg");
                }
                globalArguments.put(nameAndDefault[0], nameAndDefault[1]);
            } else if (instruction.keyword().equals("FROM")) {
                List<String> words = expand(instruction.words(), globalArguments);
                String name = words.size() == 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
                stages.add(new Stage(words.get(0), name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                throw new IllegalStateException("the Dockerfile has " + text + " before its first FROM");
            } else {
                stages.get(stages.size() - 1).instructions().add(instruction);
            }
        }
        return new DockerfileStages(List.copyOf(stages));
    }

    private static List<String> expand(List<String> words, Map<String, String> arguments) {
        List<String> expanded = new ArrayList<>();
        for (String word : words) {
            Matcher variable = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)").matcher(word);
            StringBuilder result = new StringBuilder();
            while (variable.find()) {
                String name = variable.group(1) != null ? variable.group(1) : variable.group(2);
                String value = arguments.get(name);
                if (value == null) {
                    throw new IllegalStateException("FROM uses $" + name + ", which no global ARG declares");
                }
                variable.appendReplacement(result, Matcher.quoteReplacement(value));
            }
            expanded.add(variable.appendTail(result).toString());
        }
        return expanded;
    }

    private static Instruction parse(String text) {
        String[] words = text.split(" ");
        Map<String, String> flags = new LinkedHashMap<>();
        int next = 1;
        while (next < words.length && FLAG.matcher(words[next]).matches()) {
            Matcher flag = FLAG.matcher(words[next]);
            flag.matches();
            flags.put(flag.group(1), flag.group(2));
            next++;
        }
        String arguments = String.join(" ", List.of(words).subList(next, words.length));
        return new Instruction(words[0].toUpperCase(Locale.ROOT), Map.copyOf(flags), arguments);
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

    /**
     * The stage's base image after following {@code FROM <earlier stage>} back to a real image (or {@code scratch}).
     */
    public String baseImage(Stage stage) {
        Stage current = stage;
        while (true) {
            String from = current.from();
            Stage earlier = stages.stream().filter(s -> from.equals(s.name())).findFirst().orElse(null);
            if (earlier == null) {
                return from;
            }
            current = earlier;
        }
    }
}
