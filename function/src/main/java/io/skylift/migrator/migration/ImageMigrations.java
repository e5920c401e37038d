package io.skylift.migrator.migration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The SQL migrations in the image's folder, resolved the way Flyway 13 resolves them (version, description, script
 * path and checksum) without starting Flyway's engine. Anything Flyway could treat differently from a plain
 * {@code V<version>__<description>.sql} or {@code R__<description>.sql} file (callbacks, script configuration files,
 * other prefixes or suffixes, duplicate versions, unreadable encodings) makes {@link #resolve} refuse, so the
 * caller falls back to Flyway rather than guess.
 *
 * <p>Checksums follow Flyway's {@code ChecksumCalculator}: a CRC-32 of the UTF-8 bytes of every line without its
 * line ending, a byte-order mark removed from the first line. A versioned migration's checksum is of the file as
 * written; a repeatable migration's is of the file after placeholder replacement (Flyway's own
 * {@code PlaceholderReplacingReader} with the default {@code ${}/{@code }} delimiters), so a changed placeholder
 * value re-applies it, as in Flyway.
 */
final class ImageMigrations {
    private static final Pattern VERSIONED = Pattern.compile("V([^_]|_(?!_))+?__(.+)\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");

    /**
     * One migration file as Flyway would record it in the schema history.
     *
     * @param version     Flyway's normalised version text ({@code 1_1} becomes {@code 1.1}); null when repeatable
     * @param description the file name's description part, underscores as spaces
     * @param script      the path relative to the location, with {@code /} separators
     * @param checksum    Flyway's checksum of the file
     */
    record Migration(String version, String description, String script, int checksum) {
    }

    /** Why the folder cannot be resolved without Flyway; the message says which file and why. */
    static final class Unsupported extends Exception {
        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    private ImageMigrations() {
    }

    /**
     * Resolves every file under {@code root}.
     *
     * @param placeholders placeholder values for repeatable migrations (names are matched ignoring case)
     * @throws Unsupported when any file is not a plain versioned or repeatable SQL migration, a version or a
     *                     repeatable description repeats, or a file cannot be read as UTF-8 or names a placeholder
     *                     without a value
     */
    static List<Migration> resolve(Path root, Map<String, String> placeholders) throws Unsupported {
        Objects.requireNonNull(root, "root must not be null");
        if (!Files.isDirectory(root)) {
            throw new Unsupported("the location " + root + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(path -> !path.equals(root) && !Files.isDirectory(path)).sorted().toList();
        } catch (IOException | RuntimeException e) {
            throw new Unsupported("the location " + root + " cannot be listed: " + e.getMessage());
        }
        List<Migration> migrations = new ArrayList<>(files.size());
        Map<MigrationVersion, String> versions = new HashMap<>();
        Map<String, String> repeatables = new HashMap<>();
        for (Path file : files) {
            String script = root.relativize(file).toString().replace('\\', '/');
            if (!Files.isRegularFile(file)) {
                throw new Unsupported(script + " is not a regular file");
            }
            String name = file.getFileName().toString();
            Matcher versioned = VERSIONED.matcher(name);
            Matcher repeatable = REPEATABLE.matcher(name);
            if (versioned.matches()) {
                String rawVersion = name.substring(1, name.indexOf("__"));
                MigrationVersion version;
                try {
                    version = MigrationVersion.fromVersion(rawVersion);
                } catch (RuntimeException e) {
                    throw new Unsupported(script + " has a version Flyway does not accept");
                }
                String text = version.getVersion();
                if (text == null || !text.equals(rawVersion.replace('_', '.'))) {
                    throw new Unsupported(script + " has a reserved version name");
                }
                String previous = versions.putIfAbsent(version, script);
                if (previous != null) {
                    throw new Unsupported(script + " and " + previous + " have the same version");
                }
                migrations.add(new Migration(text, description(versioned.group(2), script), script,
                        checksum(file, null, script)));
            } else if (repeatable.matches()) {
                String description = description(repeatable.group(1), script);
                String previous = repeatables.putIfAbsent(description, script);
                if (previous != null) {
                    throw new Unsupported(script + " and " + previous + " have the same description");
                }
                migrations.add(new Migration(null, description, script, checksum(file, placeholders, script)));
            } else {
                throw new Unsupported(script + " is not a V<version>__<description>.sql or R__<description>.sql "
                        + "migration (callbacks and script configuration files are Flyway's to handle)");
            }
        }
        return List.copyOf(migrations);
    }

    private static String description(String fromName, String script) throws Unsupported {
        String description = fromName.replace('_', ' ');
        if (description.isBlank()) {
            throw new Unsupported(script + " has no description");
        }
        return description;
    }

    /** Flyway's checksum of one file; placeholders replaced first when {@code placeholders} is not null. */
    static int checksum(Path file, Map<String, String> placeholders, String script) throws Unsupported {
        try (Reader raw = Channels.newReader(FileChannel.open(file, StandardOpenOption.READ),
                StandardCharsets.UTF_8.newDecoder(), 4096);
             Reader reader = placeholders == null ? raw : FlywayInternals.replacingPlaceholders(placeholders, raw)) {
            return checksum(reader);
        } catch (IOException e) {
            throw new Unsupported(script + " cannot be read as UTF-8: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            // Flyway's reader throws for a placeholder without a value (including Flyway's own ${flyway:...}).
            throw new Unsupported(script + ": " + e.getMessage());
        }
    }

    static int checksum(Reader reader) throws IOException {
        CRC32 crc32 = new CRC32();
        BufferedReader lines = new BufferedReader(reader, 4096);
        String line = lines.readLine();
        if (line != null) {
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            do {
                crc32.update(line.getBytes(StandardCharsets.UTF_8));
            } while ((line = lines.readLine()) != null);
        }
        return (int) crc32.getValue();
    }
}
