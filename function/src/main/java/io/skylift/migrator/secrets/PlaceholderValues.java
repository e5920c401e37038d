package io.skylift.migrator.secrets;

import io.skylift.migrator.failure.SecretReadException;
import io.skylift.migrator.config.PlaceholderSecret;
import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonSyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves {@link PlaceholderSecret}s to the values Flyway substitutes. */
public final class PlaceholderValues {
    private PlaceholderValues() {
    }

    /**
     * @return placeholder name to value, in the order given
     * @throws SecretReadException naming the secret and key when one cannot be resolved
     */
    public static Map<String, String> resolve(List<PlaceholderSecret> references, SecretSource secrets) {
        Map<String, String> values = new LinkedHashMap<>();
        for (PlaceholderSecret ref : references) {
            String secret = secrets.read(ref.secretId());
            values.put(ref.placeholder(), ref.jsonKey() == null ? secret : valueAt(ref, secret));
        }
        return values;
    }

    private static String valueAt(PlaceholderSecret ref, String secret) {
        Object json;
        try {
            json = JsonReader.parse(secret);
        } catch (JsonSyntaxException e) {
            throw new SecretReadException("Secret '" + ref.secretId() + "' (placeholder " + ref.placeholder()
                    + ") is not JSON, so it has no key '" + ref.jsonKey() + "': drop '#" + ref.jsonKey()
                    + "' to use the whole string");
        }
        Object value = json instanceof Map<?, ?> object ? object.get(ref.jsonKey()) : null;
        if (value == null || value instanceof Map || value instanceof List) {
            throw new SecretReadException("Secret '" + ref.secretId() + "' (placeholder " + ref.placeholder()
                    + ") has no key '" + ref.jsonKey() + "'");
        }
        return JsonReader.text(value);
    }
}
