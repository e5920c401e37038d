package io.skylift.migrator.secrets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.postgresql.util.PasswordUtil;

/**
 * Offers, beside every placeholder secret {@code <name>}, a placeholder {@code <name>}{@value #SUFFIX} holding a
 * SCRAM-SHA-256 verifier of the same value, in PostgreSQL's form
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (4096 iterations and a random 16-byte salt, as
 * PostgreSQL makes them). {@code CREATE ROLE ... PASSWORD '<verifier>'} gives the role that password without the
 * password ever being in the SQL text, which PostgreSQL logs when the statement fails (and with
 * {@code log_statement=ddl} always) and Aurora exports to CloudWatch Logs.
 *
 * <p>A verifier is computed once per secret value and kept while the value stays the same (a warm function reuses it;
 * PBKDF2 costs milliseconds), and anew, with a new salt, when the secret changes. Because the salt is random, a
 * verifier changes between cold starts: use it in versioned migrations, whose checksum Flyway takes before
 * placeholders are replaced; a repeatable migration using it would run again on every cold start.
 *
 * <p>Only asked for when Flyway runs: a deploy that changes nothing (the common case) computes none, since a PBKDF2 of
 * 4,096 rounds is one of the largest costs of a cold start.
 */
public final class ScramVerifiers {
    /** Appended to a placeholder secret's name to name its verifier: {@code ${app_password_scram}}. */
    public static final String SUFFIX = "_scram";

    private record Computed(String value, String verifier) {
    }

    private final Map<String, Computed> byPlaceholder = new ConcurrentHashMap<>();
    private final UnaryOperator<String> encoder;

    /** Verifiers as PostgreSQL makes them ({@link #verifierOf}). */
    public ScramVerifiers() {
        this(ScramVerifiers::verifierOf);
    }

    /** @param encoder makes the verifier of a value (tests count the calls) */
    public ScramVerifiers(UnaryOperator<String> encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder must not be null");
    }

    /**
     * @param secretPlaceholders placeholder name to secret value
     * @return the same entries, each followed by {@code <name>_scram} with the value's verifier
     */
    public Map<String, String> withVerifiers(Map<String, String> secretPlaceholders) {
        Map<String, String> result = new LinkedHashMap<>();
        secretPlaceholders.forEach((name, value) -> {
            result.put(name, value);
            Computed computed = byPlaceholder.compute(name, (key, previous) ->
                    previous != null && previous.value().equals(value) ? previous : new Computed(value, encoder.apply(value)));
            result.put(name + SUFFIX, computed.verifier());
        });
        return result;
    }

    /** A new SCRAM-SHA-256 verifier of {@code password} (SASLprep-normalised, as PostgreSQL does), fresh salt. */
    public static String verifierOf(String password) {
        Objects.requireNonNull(password, "password must not be null");
        // pgjdbc's own encoder (PostgreSQL's defaults); it may clear the array it is given, so it gets a copy.
        return PasswordUtil.encodeScramSha256(password.toCharArray());
    }

    @Override
    public String toString() {
        return "ScramVerifiers[" + byPlaceholder.size() + " placeholders]";
    }
}
