package io.skylift.infra.config;

import io.skylift.infra.database.Database;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Database settings shared by all stages.
 *
 * @param engineVersion       Aurora PostgreSQL version, {@code major.minor}; default
 *                            {@value Database.Props#DEFAULT_ENGINE_VERSION}
 * @param databaseName        database created with the cluster; default {@value Database.Props#DEFAULT_DATABASE_NAME}
 * @param masterUsername      master user, whose generated secret the migrator uses; default
 *                            {@value Database.Props#DEFAULT_MASTER_USERNAME}
 * @param backupRetentionDays days of automated backups, 7 to 35; default {@value #DEFAULT_BACKUP_RETENTION_DAYS}
 * @param autoPauseMinutes    idle minutes before a writer with minimum capacity 0 pauses, 5 to 1440;
 *                            default {@value #DEFAULT_AUTO_PAUSE_MINUTES}
 */
public record DatabaseSettings(
        String engineVersion,
        String databaseName,
        String masterUsername,
        int backupRetentionDays,
        int autoPauseMinutes) {

    public static final int DEFAULT_BACKUP_RETENTION_DAYS = 7;
    public static final int DEFAULT_AUTO_PAUSE_MINUTES = 10;

    private static final Pattern VERSION = Pattern.compile("\\d{2,}\\.\\d+");
    // Lower case keeps unquoted PostgreSQL identifiers case-stable; 59 leaves room for the "_app" suffix.
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,58}");
    private static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public DatabaseSettings {
        Objects.requireNonNull(engineVersion, "engineVersion must not be null");
        Objects.requireNonNull(databaseName, "databaseName must not be null");
        Objects.requireNonNull(masterUsername, "masterUsername must not be null");
        if (masterUsername.equals(databaseName + "_app")) {
            throw new IllegalArgumentException("Context key 'masterUsername' is '" + masterUsername
                    + "', the name of the application role the migrations create: choose another");
        }
    }

    /**
     * The application role, {@code <databaseName>_app}: the name the migrations give it
     * ({@code current_database() || '_app'} in {@code V4__create_app_role.sql}).
     */
    public String appUsername() {
        return databaseName + "_app";
    }

    /** Reads the settings, each key falling back to its default. */
    public static DatabaseSettings fromContext(ContextReader context) {
        return new DatabaseSettings(
                context.matching("engineVersion", Database.Props.DEFAULT_ENGINE_VERSION, VERSION,
                        "an Aurora PostgreSQL version such as 17.9"),
                context.matching("databaseName", Database.Props.DEFAULT_DATABASE_NAME, DATABASE_NAME,
                        "a lower-case PostgreSQL identifier (letters, digits, _; at most 59)"),
                context.matching("masterUsername", Database.Props.DEFAULT_MASTER_USERNAME, USERNAME,
                        "a lower-case PostgreSQL identifier (letters, digits, _; at most 63)"),
                context.integer("backupRetentionDays", DEFAULT_BACKUP_RETENTION_DAYS, 7, 35),
                context.integer("autoPauseMinutes", DEFAULT_AUTO_PAUSE_MINUTES, 5, 1440));
    }
}
