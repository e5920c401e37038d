package io.skylift.migrator.invocation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The operations an operator or the pipeline can ask for; {@link #MIGRATE} when none is named. */
public enum Command {
    MIGRATE, INFO, VALIDATE, REPAIR, BASELINE;

    /** The name used in payloads and results, e.g. {@code "migrate"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Command> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(name)).findFirst();
    }

    /** {@code "migrate, info, validate, repair, baseline"}, for error messages. */
    public static String validNames() {
        return Arrays.stream(values()).map(Command::wireName).collect(Collectors.joining(", "));
    }
}
