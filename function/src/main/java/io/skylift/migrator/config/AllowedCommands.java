package io.skylift.migrator.config;

import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.failure.InvalidInvocationException;
import io.skylift.migrator.invocation.Command;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The commands this function accepts, fixed when it starts from {@value Settings#COMMANDS_VARIABLE} (comma-separated
 * command names; unset or blank: every command). A planner is the same image with
 * {@code plan,lint,info,validate,drift}: IAM decides who may invoke a function but cannot look into the payload, so the
 * function refuses the rest itself.
 *
 * @param commands the accepted commands, never empty
 */
public record AllowedCommands(Set<Command> commands) {
    public AllowedCommands {
        Objects.requireNonNull(commands, "commands must not be null");
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("commands must not be empty");
        }
        commands = Set.copyOf(commands);
    }

    /** Every command: a function without {@value Settings#COMMANDS_VARIABLE}. */
    public static AllowedCommands all() {
        return new AllowedCommands(EnumSet.allOf(Command.class));
    }

    /**
     * @throws ConfigurationException naming the variable, each unknown name and the valid ones
     */
    public static AllowedCommands fromEnvironment(Map<String, String> environment) {
        String raw = environment.get(Settings.COMMANDS_VARIABLE);
        if (raw == null || raw.isBlank()) {
            return all();
        }
        Set<Command> commands = EnumSet.noneOf(Command.class);
        List<String> unknown = new ArrayList<>();
        for (String part : raw.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                Command.fromWireName(name).ifPresentOrElse(commands::add, () -> unknown.add("'" + name + "'"));
            }
        }
        if (!unknown.isEmpty() || commands.isEmpty()) {
            throw new ConfigurationException(Settings.COMMANDS_VARIABLE + " is '" + raw + "': "
                    + (unknown.isEmpty() ? "it names no command" : String.join(", ", unknown) + " is not a command")
                    + "; list some of " + Command.validNames() + " (comma-separated), or unset it to accept every"
                    + " command");
        }
        return new AllowedCommands(commands);
    }

    /** @throws InvalidInvocationException ({@code COMMAND_NOT_ALLOWED}) naming the command and the list */
    public void check(Command command) {
        if (!commands.contains(command)) {
            throw InvalidInvocationException.notAllowed("Command '" + command.wireName() + "' is not accepted by this"
                    + " function: it accepts " + names() + " (" + Settings.COMMANDS_VARIABLE + "); invoke the"
                    + " function that runs " + command.wireName() + " (the migrator)");
        }
    }

    /** The accepted commands' names, in {@link Command}'s order, e.g. {@code info, validate, plan, lint}. */
    public String names() {
        return Arrays.stream(Command.values()).filter(commands::contains).map(Command::wireName)
                .collect(Collectors.joining(", "));
    }
}
