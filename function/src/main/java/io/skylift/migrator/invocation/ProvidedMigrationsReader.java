package io.skylift.migrator.invocation;

import io.skylift.lint.ScriptConfig;
import io.skylift.migrator.failure.InvalidInvocationException;
import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The migration files of a {@code plan} or {@code lint} payload, from one of two fields:
 * <ul>
 *   <li>{@value #LIST_FIELD}: a list of {@code {"script": "V5__x.sql", "content": "..."}};</li>
 *   <li>{@value #GZIP_FIELD}: the same list as JSON text, gzip-compressed, then base64-encoded. Lambda refuses a
 *   synchronous payload over 6 MB; SQL compresses several times over, so a commit whose migrations are larger still
 *   gets a plan. (The pipeline's plan step always sends this one.)</li>
 * </ul>
 * Every file must be a versioned or repeatable migration or a {@code .sql.conf} beside one in the payload; all the
 * files that are not are named in one refusal.
 */
final class ProvidedMigrationsReader {
    /** The script settings a payload's {@code .sql.conf} may hold for plan. */
    private static final List<String> PLAN_SCRIPT_SETTINGS = List.of("executeInTransaction", "encoding");

    static final String LIST_FIELD = "migrations";
    static final String GZIP_FIELD = "migrationsGzip";
    /**
     * The most text {@value #GZIP_FIELD} may expand to: about ten times what Lambda lets through uncompressed, and
     * far below what would exhaust the function's memory or {@code /tmp} (a small gzip can expand to gigabytes).
     */
    static final int MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;
    private static final String SHAPE = "a non-empty list of {\"script\": \"V5__x.sql\", \"content\": \"...\"}";

    private ProvidedMigrationsReader() {
    }

    /** @return the files, empty when neither field is present */
    static List<ProvidedMigration> read(Command command, Object list, Object gzip) {
        if (list == null && gzip == null) {
            return List.of();
        }
        String field = list != null ? LIST_FIELD : GZIP_FIELD;
        if (!command.acceptsProvidedMigrations()) {
            throw new InvalidInvocationException("\"" + field + "\" is for plan and lint only: " + command.wireName()
                    + " works on the migrations in the image");
        }
        if (list != null && gzip != null) {
            throw new InvalidInvocationException("Send \"" + LIST_FIELD + "\" or \"" + GZIP_FIELD + "\", not both");
        }
        return validated(list != null ? list : decompress(gzip));
    }

    private static Object decompress(Object field) {
        if (!(field instanceof String encoded)) {
            throw new InvalidInvocationException("\"" + GZIP_FIELD + "\" must be a string: base64 of the gzip of the"
                    + " JSON text of " + SHAPE);
        }
        byte[] compressed;
        try {
            compressed = Base64.getDecoder().decode(encoded.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidInvocationException("\"" + GZIP_FIELD + "\" is not base64 (" + e.getMessage() + "): send"
                    + " base64 of gzip-compressed JSON, e.g. jq -c ... | gzip -c | base64 -w0");
        }
        String json = new String(gunzip(compressed), StandardCharsets.UTF_8);
        try {
            return JsonReader.parse(json);
        } catch (JsonSyntaxException e) {
            throw new InvalidInvocationException("\"" + GZIP_FIELD + "\" does not expand to JSON (" + e.getMessage()
                    + " at line " + e.line() + ", column " + e.column() + "): it must hold " + SHAPE, e);
        }
    }

    private static byte[] gunzip(byte[] compressed) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (out.size() + read > MAX_UNCOMPRESSED_BYTES) {
                    throw new InvalidInvocationException("\"" + GZIP_FIELD + "\" expands to more than "
                            + MAX_UNCOMPRESSED_BYTES / (1024 * 1024) + " MiB: too large to plan in one invocation");
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new InvalidInvocationException("\"" + GZIP_FIELD + "\" is not gzip data (" + e.getMessage() + "):"
                    + " send base64 of gzip-compressed JSON, e.g. jq -c ... | gzip -c | base64 -w0");
        }
    }

    private static List<ProvidedMigration> validated(Object node) {
        if (!(node instanceof List<?> elements) || elements.isEmpty()) {
            throw new InvalidInvocationException("The payload's migrations must be " + SHAPE);
        }
        List<ProvidedMigration> migrations = new ArrayList<>();
        Set<String> scripts = new HashSet<>();
        for (Object element : elements) {
            if (!(element instanceof Map<?, ?> entry) || !(entry.get("script") instanceof String script)
                    || !(entry.get("content") instanceof String content) || entry.size() != 2) {
                throw new InvalidInvocationException("Each of the payload's migrations must be {\"script\":"
                        + " \"V5__x.sql\", \"content\": \"...\"} with both strings and nothing else");
            }
            if (!scripts.add(script)) {
                throw new InvalidInvocationException("The payload's migrations hold script '" + script + "' twice");
            }
            migrations.add(new ProvidedMigration(script, content));
        }
        List<String> refused = migrations.stream().filter(m -> !m.isMigrationName()).map(ProvidedMigration::script)
                .toList();
        if (!refused.isEmpty()) {
            throw new InvalidInvocationException("Refused " + String.join(", ", refused) + ": the payload's migrations"
                    + " may be versioned (V<version>__<description>.sql) and repeatable (R__<description>.sql)"
                    + " migrations and their .sql.conf files only; a file of another name could run as a Flyway"
                    + " callback. Leave callbacks and other files out of the payload");
        }
        List<String> orphans = migrations.stream().filter(ProvidedMigration::isScriptConfiguration)
                .map(ProvidedMigration::script)
                .filter(conf -> !scripts.contains(conf.substring(0, conf.length()
                        - ProvidedMigration.CONF_SUFFIX.length())))
                .toList();
        if (!orphans.isEmpty()) {
            throw new InvalidInvocationException("Refused " + String.join(", ", orphans) + ": a .sql.conf without its"
                    + " script in the payload; send the script beside it");
        }
        for (ProvidedMigration migration : migrations) {
            if (migration.isScriptConfiguration()) {
                refuseSettingsThatReachPlaceholders(migration);
            }
        }
        return List.copyOf(migrations);
    }

    /**
     * A script's own {@code placeholderReplacement} wins over plan's (Flyway then checksums the replaced text, a CRC
     * of the secret values), and {@code shouldExecute} is evaluated with placeholders: plan takes neither from a
     * payload. The two that shape how a script runs, not what it holds, pass.
     */
    private static void refuseSettingsThatReachPlaceholders(ProvidedMigration configuration) {
        List<String> refused;
        try {
            refused = ScriptConfig.keys(configuration.content()).stream()
                    .filter(key -> !PLAN_SCRIPT_SETTINGS.contains(key)).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidInvocationException("Refused " + configuration.script() + ": it cannot be read as"
                    + " key=value lines");
        }
        if (!refused.isEmpty()) {
            throw new InvalidInvocationException("Refused " + configuration.script() + ": plan takes only "
                    + String.join(" and ", PLAN_SCRIPT_SETTINGS) + " from a payload's .sql.conf, not "
                    + String.join(", ", refused) + " (a script's placeholder settings would put placeholder values"
                    + " into the plan); leave them out of the payload's copy");
        }
    }
}
