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
 * @param engine optional, e.g. {@code postgres}; null when the secret has none
 */
public record DatabaseSecret(String username, String password, String host, int port, String dbname, String engine) {

    public DatabaseSecret {
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(password, "password must not be null");
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(dbname, "dbname must not be null");
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
        for (String key : List.of("username", "password", "host", "port", "dbname")) {
            Object node = json.get(key);
            if (node == null || JsonReader.text(node).isBlank()) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new SecretReadException("Secret '" + secretId + "' lacks the key(s) " + String.join(", ", missing)
                    + ": the RDS form needs username, password, host, port and dbname");
        }
        int port;
        try {
            port = Integer.parseInt(JsonReader.text(json.get("port")).trim());
        } catch (NumberFormatException e) {
            throw new SecretReadException("Secret '" + secretId + "' has a 'port' that is not a number");
        }
        return new DatabaseSecret(JsonReader.text(json.get("username")), JsonReader.text(json.get("password")),
                JsonReader.text(json.get("host")), port, JsonReader.text(json.get("dbname")),
                JsonReader.text(json.get("engine")));
    }

    @Override
    public String toString() {
        return "DatabaseSecret[username=" + username + ", password=<masked>, host=" + host + ", port=" + port
                + ", dbname=" + dbname + ", engine=" + engine + "]";
    }
}
