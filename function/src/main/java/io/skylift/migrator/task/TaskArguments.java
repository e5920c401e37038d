package io.skylift.migrator.task;

import io.skylift.migrator.failure.InvalidInvocationException;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonSyntaxException;
import io.skylift.migrator.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The task's command line, {@code <command> [json]}, turned into the direct invocation's payload: the command, plus
 * the JSON object's other fields ({@code target}, {@code baselineVersion}, ...). The payload itself is then read by the
 * function's own parser, so the task accepts exactly what a direct invocation accepts.
 *
 * @param command the command as given (checked by the function's parser)
 * @param payload the direct invocation's payload
 */
record TaskArguments(String command, byte[] payload) {
    /** How the task is started, for error messages. */
    static final String USAGE = "start the image as /var/task/bootstrap task <command> [json], for example: task migrate"
            + " or task migrate '{\"target\":\"5\"}'; commands: " + Command.validNames();

    public TaskArguments {
        Objects.requireNonNull(command, "command must not be null");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * @param arguments what followed {@code task} on the command line
     * @throws InvalidInvocationException when there is no command, more than one JSON argument, or the JSON is not an
     *                                    object or names another command
     */
    public static TaskArguments parse(List<String> arguments) {
        if (arguments.isEmpty() || arguments.getFirst().isBlank()) {
            throw new InvalidInvocationException("No command: " + USAGE);
        }
        if (arguments.size() > 2) {
            throw new InvalidInvocationException("Too many arguments " + arguments.subList(2, arguments.size())
                    + ": give the command and at most one JSON object; " + USAGE);
        }
        String command = arguments.getFirst().trim();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("command", command);
        if (arguments.size() == 2) {
            object(arguments.get(1)).forEach((name, value) -> {
                if (name.equals("command") && !command.equals(value)) {
                    throw new InvalidInvocationException("The JSON argument names command " + JsonWriter.write(value)
                            + " and the command line '" + command + "': leave \"command\" out of the JSON");
                }
                payload.put(name, value);
            });
        }
        return new TaskArguments(command, JsonWriter.write(payload).getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) {
        Object root;
        try {
            root = JsonReader.parse(json);
        } catch (JsonSyntaxException e) {
            throw new InvalidInvocationException("The JSON argument is not valid JSON (" + e.getMessage() + " at line "
                    + e.line() + ", column " + e.column() + "): " + USAGE, e);
        }
        if (!(root instanceof Map)) {
            throw new InvalidInvocationException("The JSON argument must be an object such as {\"target\":\"5\"}: "
                    + USAGE);
        }
        return (Map<String, Object>) root;
    }
}
