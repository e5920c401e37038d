package io.skylift.construct;

import java.util.Objects;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * A Flyway placeholder whose value is read from a secret at run time (never written into the template): the
 * function reads {@code jsonKey} of the secret's JSON, or the whole secret string when the key is null.
 */
public final class PlaceholderSecret {

    private final ISecret secret;
    private final String jsonKey;

    private PlaceholderSecret(ISecret secret, String jsonKey) {
        this.secret = Objects.requireNonNull(secret, "secret must not be null");
        if (jsonKey != null && (jsonKey.isBlank() || jsonKey.contains("#"))) {
            throw new IllegalArgumentException("jsonKey must be a non-blank JSON key without '#', was '" + jsonKey + "'");
        }
        this.jsonKey = jsonKey;
    }

    /**
     * @param secret  the secret, which the migrator is granted to read
     * @param jsonKey the key of the secret's JSON holding the value ({@code password}); null = the whole string
     */
    public static PlaceholderSecret fromSecret(ISecret secret, String jsonKey) {
        return new PlaceholderSecret(secret, jsonKey);
    }

    /** The secret. */
    public ISecret getSecret() {
        return secret;
    }

    /** The JSON key, or null for the whole secret string. */
    public String getJsonKey() {
        return jsonKey;
    }

    /** The function's {@code PLACEHOLDER_SECRET_<NAME>} value: {@code <arn>[#<jsonKey>]}. */
    String environmentValue() {
        return jsonKey == null ? secret.getSecretArn() : secret.getSecretArn() + "#" + jsonKey;
    }
}
