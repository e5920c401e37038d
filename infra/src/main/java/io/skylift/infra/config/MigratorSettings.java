package io.skylift.infra.config;

import io.skylift.construct.SchemaMigratorProps;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Settings of the migrator function.
 *
 * @param architecture     {@code arm64} or {@code x86_64}; default {@value #DEFAULT_ARCHITECTURE}
 * @param timeoutMinutes   Lambda timeout, 1 to 15 minutes; default {@value SchemaMigratorProps#DEFAULT_TIMEOUT_MINUTES}.
 *                         The function answers CloudFormation 15 s before it (its watchdog margin)
 * @param memoryMb         Lambda memory, 512 to 10240 MB; default {@value SchemaMigratorProps#DEFAULT_MEMORY_MB}
 * @param logRetentionDays days the function's, the database's and the flow logs keep events; default
 *                         {@value #DEFAULT_LOG_RETENTION_DAYS}; one of the values CloudWatch Logs accepts
 */
public record MigratorSettings(String architecture, int timeoutMinutes, int memoryMb, int logRetentionDays) {

    public static final String DEFAULT_ARCHITECTURE = "arm64";
    public static final int DEFAULT_LOG_RETENTION_DAYS = 30;

    // The retention periods CloudWatch Logs accepts (jsii enums carry no numbers, hence the table).
    private static final Map<Integer, RetentionDays> RETENTIONS = new TreeMap<>(Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(120, RetentionDays.FOUR_MONTHS), Map.entry(150, RetentionDays.FIVE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(400, RetentionDays.THIRTEEN_MONTHS), Map.entry(545, RetentionDays.EIGHTEEN_MONTHS),
            Map.entry(731, RetentionDays.TWO_YEARS), Map.entry(1096, RetentionDays.THREE_YEARS),
            Map.entry(1827, RetentionDays.FIVE_YEARS), Map.entry(2192, RetentionDays.SIX_YEARS),
            Map.entry(2557, RetentionDays.SEVEN_YEARS), Map.entry(2922, RetentionDays.EIGHT_YEARS),
            Map.entry(3288, RetentionDays.NINE_YEARS), Map.entry(3653, RetentionDays.TEN_YEARS)));

    public MigratorSettings {
        Objects.requireNonNull(architecture, "architecture must not be null");
        if (!RETENTIONS.containsKey(logRetentionDays)) {
            throw ContextReader.invalid("logRetentionDays", Integer.toString(logRetentionDays),
                    "one of " + RETENTIONS.keySet());
        }
    }

    /** The retention periods CloudWatch Logs accepts, in days. */
    public static List<Integer> allowedLogRetentionDays() {
        return List.copyOf(RETENTIONS.keySet());
    }

    /** {@link #logRetentionDays()} as CDK's enum. */
    public RetentionDays logRetention() {
        return RETENTIONS.get(logRetentionDays);
    }

    /** Reads the settings, each key falling back to its default. */
    public static MigratorSettings fromContext(ContextReader context) {
        return new MigratorSettings(
                context.oneOf("architecture", DEFAULT_ARCHITECTURE, List.of("arm64", "x86_64")),
                // At least a minute, so the time left after the 15 s watchdog margin can run a migration;
                // at most Lambda's own ceiling.
                context.integer("migratorTimeoutMinutes", SchemaMigratorProps.DEFAULT_TIMEOUT_MINUTES, 1, 15),
                context.integer("migratorMemoryMb", SchemaMigratorProps.DEFAULT_MEMORY_MB, 512, 10240),
                context.integer("logRetentionDays", DEFAULT_LOG_RETENTION_DAYS, 1, 3653));
    }
}
