package io.skylift.migrator.config;

import io.skylift.migrator.failure.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Flyway placeholder whose value lives in another secret, from
 * {@code PLACEHOLDER_SECRET_<NAME>=<secret ARN or name>[#<json key>]}.
 * The placeholder is {@code <name>} in lower case, as Flyway names those from {@code FLYWAY_PLACEHOLDERS_<NAME>}.
 * Without a JSON key the whole secret string is the value.
 *
 * @param placeholder the placeholder's name as used in SQL, {@code ${name}}
 * @param secretId    the secret's ARN or name (never a value)
 * @param jsonKey     the key inside a JSON secret, or null for the whole string
 */
public record PlaceholderSecret(String placeholder, String secretId, String jsonKey) {

    public PlaceholderSecret {
        Objects.requireNonNull(placeholder, "placeholder must not be null");
        Objects.requireNonNull(secretId, "secretId must not be null");
    }

    static List<PlaceholderSecret> fromEnvironment(Map<String, String> env) {
        List<PlaceholderSecret> result = new ArrayList<>();
        env.entrySet().stream()
                .filter(e -> e.getKey().startsWith(Settings.PLACEHOLDER_SECRET_PREFIX))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> result.add(parse(e.getKey(), e.getValue())));
        return result;
    }

    private static PlaceholderSecret parse(String variable, String value) {
        String name = variable.substring(Settings.PLACEHOLDER_SECRET_PREFIX.length()).toLowerCase(Locale.ROOT);
        String reference = value == null ? "" : value.trim();
        int hash = reference.indexOf('#');
        String secretId = hash < 0 ? reference : reference.substring(0, hash);
        String key = hash < 0 ? null : reference.substring(hash + 1);
        if (name.isEmpty() || secretId.isEmpty() || (key != null && key.isEmpty())) {
            throw new ConfigurationException(variable + " must name a placeholder and hold "
                    + "<secret ARN or name>[#<json key>], for example "
                    + "PLACEHOLDER_SECRET_APP_PASSWORD=arn:aws:secretsmanager:...:secret:app-user#password");
        }
        return new PlaceholderSecret(name, secretId, key);
    }
}
