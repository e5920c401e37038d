package io.skylift.migrator.secrets;

import io.skylift.migrator.failure.SecretReadException;
import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The database's master secret in the RDS JSON form. {@link #toString()} masks the password, so the record can
 * be logged or appear in an assertion message without leaking it.
 *
 * <p>Only the credentials are required: an RDS-managed master secret holds nothing else, and {@code DB_HOST},
 * {@code DB_PORT} and {@code DB_NAME} then give the endpoint ({@code DatabaseTarget} names whatever is missing).
 *
 * @param host   null when the secret has none
 * @param port   null when the secret has none
 * @param dbname null when the secret has none
 * @param engine optional, e.g. {@code postgres}; null when the secret has none
 */
public record DatabaseSecret(String username, String password, String host, Integer port, String dbname,
                             String engine) {

    public DatabaseSecret {
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(password, "password must not be null");
    }

    /**
     * Parses the secret string.
     *
     * @throws SecretReadException naming the secret and the missing or malformed key, never a value
     */
    public static DatabaseSecret parse(String secretId, String secretString) {
        Object parsed;
        try {
            parsed = JsonReader.parse(secretString);
        } catch (JsonSyntaxException e) {
            // The parser's message can quote the secret's text: do not pass it on, nor the cause.
            throw new SecretReadException("Secret '" + secretId + "' is not JSON: store it in the RDS form "
                    + "{\"username\",\"password\",\"host\",\"port\",\"dbname\"}");
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new SecretReadException("Secret '" + secretId + "' is not a JSON object: store it in the RDS "
                    + "form {\"username\",\"password\",\"host\",\"port\",\"dbname\"}");
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of("username", "password")) {
            if (present(json, key) == null) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new SecretReadException("Secret '" + secretId + "' lacks the key(s) " + String.join(", ", missing)
                    + ": the RDS form needs username and password (and host, port and dbname unless DB_HOST, "
                    + "DB_PORT and DB_NAME give them)");
        }
        Integer port = null;
        String portText = present(json, "port");
        if (portText != null) {
            try {
                port = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                throw new SecretReadException("Secret '" + secretId + "' has a 'port' that is not a number");
            }
        }
        return new DatabaseSecret(present(json, "username"), present(json, "password"), trimmed(present(json, "host")),
                port, present(json, "dbname"), present(json, "engine"));
    }

    /** The key's text, null when absent or blank. */
    private static String present(Map<?, ?> json, String key) {
        Object node = json.get(key);
        return node == null || JsonReader.text(node).isBlank() ? null : JsonReader.text(node);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.strip();
    }

    @Override
    public String toString() {
        return "DatabaseSecret[username=" + username + ", password=<masked>, host=" + host + ", port=" + port
                + ", dbname=" + dbname + ", engine=" + engine + "]";
    }
}
