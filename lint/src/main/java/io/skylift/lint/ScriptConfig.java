package io.skylift.lint;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A script's configuration file ({@code V5__x.sql.conf} beside {@code V5__x.sql}), read as Flyway 13 reads it: lines
 * trimmed, backslashes literal, then {@link Properties} syntax; {@code executeInTransaction} is {@code true} or
 * {@code false} in any case, and any other key but {@code encoding}, {@code placeholderReplacement} and
 * {@code shouldExecute} makes Flyway refuse the file.
 *
 * @param executeInTransaction the file's {@code executeInTransaction}, null when it does not say (Flyway then runs
 *                             the script in a transaction unless every statement is one it cannot)
 * @param problems             what Flyway would refuse in the file, each naming the key and the fix; empty when fine
 */
public record ScriptConfig(Boolean executeInTransaction, List<String> problems) {
    /** No configuration file. */
    public static final ScriptConfig NONE = new ScriptConfig(null, List.of());

    private static final List<String> OTHER_KEYS = List.of("encoding", "placeholderReplacement", "shouldExecute");

    public ScriptConfig {
        problems = List.copyOf(problems);
    }

    /** The configuration written in {@code text}, the content of a {@code .sql.conf} file. */
    public static ScriptConfig parse(String text) {
        Properties properties;
        try {
            properties = load(text);
        } catch (IOException | IllegalArgumentException e) {
            return new ScriptConfig(null, List.of("it cannot be read as key=value lines: " + e.getMessage()));
        }
        Boolean inTransaction = null;
        List<String> problems = new ArrayList<>();
        for (String key : properties.stringPropertyNames().stream().sorted().toList()) {
            String value = properties.getProperty(key).strip();
            if (key.equals("executeInTransaction")) {
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "true" -> inTransaction = Boolean.TRUE;
                    case "false" -> inTransaction = Boolean.FALSE;
                    default -> problems.add("executeInTransaction=" + value + " is neither true nor false");
                }
            } else if (!OTHER_KEYS.contains(key)) {
                problems.add("'" + key + "' is no script setting (Flyway accepts executeInTransaction, "
                        + String.join(", ", OTHER_KEYS) + ")");
            }
        }
        return new ScriptConfig(inTransaction, problems);
    }

    /**
     * The keys {@code text} sets, read as Flyway reads them.
     *
     * @throws IllegalArgumentException when Flyway could not read the file either
     */
    public static List<String> keys(String text) {
        try {
            return load(text).stringPropertyNames().stream().sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Properties load(String text) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String line : text.replace("\r\n", "\n").split("\n")) {
            lines.append(line.strip().replace("\\", "\\\\")).append('\n');
        }
        Properties properties = new Properties();
        properties.load(new StringReader(lines.toString()));
        return properties;
    }
}
