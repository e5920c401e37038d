package io.skylift.infra.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Typed, validated reads of CDK context values.
 *
 * <p>A value may come from {@code cdk.json} (a JSON string, number or boolean) or from
 * {@code -c key=value} on the command line (always a string), so every read accepts both forms.
 * Every error names the context key, the value it got and what it expected, so a user can fix
 * {@code cdk.json} without reading this code.
 */
public final class ContextReader {

    private static final Pattern UTC_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private final Function<String, Object> lookup;

    /**
     * @param lookup returns the raw context value of a key, or {@code null} when it is not set
     *               (for an app: {@code app.getNode()::tryGetContext})
     */
    public ContextReader(Function<String, Object> lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup must not be null");
    }

    /** The value of {@code key} as a trimmed string; empty when unset or blank. */
    public Optional<String> optionalString(String key) {
        Object raw = lookup.apply(key);
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.toString().trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** The value of {@code key}, or {@code defaultValue} when unset or blank. */
    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /**
     * The value of {@code key} (or {@code defaultValue}), which must match {@code pattern}.
     *
     * @param expected how to describe a valid value in the error message
     */
    public String matching(String key, String defaultValue, Pattern pattern, String expected) {
        String value = string(key, defaultValue);
        if (!pattern.matcher(value).matches()) {
            throw invalid(key, value, expected);
        }
        return value;
    }

    /** An optional value that, when set, must match {@code pattern}. */
    public Optional<String> optionalMatching(String key, Pattern pattern, String expected) {
        Optional<String> value = optionalString(key);
        value.ifPresent(v -> {
            if (!pattern.matcher(v).matches()) {
                throw invalid(key, v, expected);
            }
        });
        return value;
    }

    /** A whole number in {@code [min, max]}; {@code defaultValue} when unset. */
    public int integer(String key, int defaultValue, int min, int max) {
        // cdk.json numbers may reach Java as doubles ("10.0"): accept them as whole numbers.
        return ranged(key, defaultValue, min, max, "a whole number",
                text -> Integer.parseInt(text.endsWith(".0") ? text.substring(0, text.length() - 2) : text));
    }

    /** A decimal number in {@code [min, max]}; {@code defaultValue} when unset. */
    public double number(String key, double defaultValue, double min, double max) {
        return ranged(key, defaultValue, min, max, "a number", Double::valueOf);
    }

    private <T extends Comparable<T>> T ranged(String key, T defaultValue, T min, T max, String kind,
            Function<String, T> parse) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String expected = kind + " from " + min + " to " + max;
        T value;
        try {
            value = parse.apply(text.get());
        } catch (NumberFormatException e) {
            throw invalid(key, text.get(), expected);
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, text.get(), expected);
        }
        return value;
    }

    /**
     * An ISO-8601 UTC instant written with a {@code Z} ({@code 2026-11-28T09:15:00Z}, fractions of a second
     * allowed); {@code defaultValue} when unset. Offsets such as {@code +01:00} are refused rather than converted,
     * so the value in {@code cdk.json} is the value in the template.
     */
    public Instant instant(String key, Instant defaultValue) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String expected = "an ISO-8601 UTC instant such as 2026-11-28T09:15:00Z";
        if (!UTC_INSTANT.matcher(text.get()).matches()) {
            throw invalid(key, text.get(), expected);
        }
        try {
            return Instant.parse(text.get());
        } catch (DateTimeParseException e) {
            // Shaped right but not a date, e.g. month 13 or 25 o'clock.
            throw invalid(key, text.get(), expected);
        }
    }

    /** {@code true} or {@code false} (any case); {@code defaultValue} when unset. */
    public boolean bool(String key, boolean defaultValue) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, text.get(), "true or false");
        };
    }

    /** One of {@code allowed} (compared without case), returned in lower case. */
    public String oneOf(String key, String defaultValue, List<String> allowed) {
        String value = string(key, defaultValue).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw invalid(key, value, "one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** An error for a context value that cannot be used. */
    public static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException(
                "Context key '" + key + "' is '" + value + "', expected " + expected
                        + " (set it in cdk.json or with -c " + key + "=...)");
    }
}
