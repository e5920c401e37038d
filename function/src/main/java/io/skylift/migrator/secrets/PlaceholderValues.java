package io.skylift.migrator.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.Json;
import io.skylift.migrator.config.PlaceholderSecret;
import java.io.IOException;
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
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(secret);
        } catch (IOException e) {
            throw new SecretReadException("Secret '" + ref.secretId() + "' (placeholder " + ref.placeholder()
                    + ") is not JSON, so it has no key '" + ref.jsonKey() + "': drop '#" + ref.jsonKey()
                    + "' to use the whole string");
        }
        JsonNode value = json == null ? null : json.get(ref.jsonKey());
        if (value == null || value.isNull() || !value.isValueNode()) {
            throw new SecretReadException("Secret '" + ref.secretId() + "' (placeholder " + ref.placeholder()
                    + ") has no key '" + ref.jsonKey() + "'");
        }
        return value.asText();
    }
}
