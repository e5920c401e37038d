package io.skylift.contract;

/**
 * The metrics the function writes in CloudWatch Embedded Metric Format, one line per invocation, and the construct's
 * alarms and dashboards read.
 */
public final class Metrics {
    public static final String NAMESPACE = "Skylift";
    /** The one dimension of every metric: the function's name. */
    public static final String FUNCTION_NAME_DIMENSION = "FunctionName";
    /** Count of migrations an invocation applied. */
    public static final String MIGRATIONS_APPLIED = "MigrationsApplied";
    /** Milliseconds an invocation took. */
    public static final String MIGRATION_DURATION = "MigrationDuration";
    /** 1 when an invocation failed, else 0: the custom-resource path returns normally, so Lambda's Errors misses it. */
    public static final String MIGRATION_FAILED = "MigrationFailed";
    /** Of a {@code drift} that answered: how many differences it found (0 for none). */
    public static final String SCHEMA_DRIFT = "SchemaDrift";

    private Metrics() {
    }
}
