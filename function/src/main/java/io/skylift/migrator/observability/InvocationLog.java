package io.skylift.migrator.observability;

import io.skylift.contract.Metrics;
import io.skylift.migrator.json.JsonWriter;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes, per invocation, one structured JSON line (searchable in CloudWatch Logs Insights) and one line in
 * CloudWatch Embedded Metric Format, which CloudWatch turns into the metrics {@code MigrationsApplied},
 * {@code MigrationDuration} and {@code MigrationFailed} in namespace {@code Skylift}, by {@code FunctionName}; a
 * {@code drift} that answered adds {@value #SCHEMA_DRIFT}, the number of differences it found (0 for none).
 */
public final class InvocationLog {
    public static final String NAMESPACE = Metrics.NAMESPACE;
    /** The metric of a {@code drift} check: how many differences it found. */
    public static final String SCHEMA_DRIFT = Metrics.SCHEMA_DRIFT;

    private final Supplier<PrintStream> out;
    private final String functionName;

    /** Writes to the standard output of the moment (Lambda sends it to CloudWatch Logs). */
    public InvocationLog(String functionName) {
        this(() -> System.out, functionName);
    }

    public InvocationLog(Supplier<PrintStream> out, String functionName) {
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.functionName = Objects.requireNonNull(functionName, "functionName must not be null");
    }

    public void write(InvocationRecord record) {
        PrintStream stream = out.get();
        stream.println(render(summary(record)));
        stream.println(render(metrics(record)));
        stream.flush();
    }

    private static Map<String, Object> summary(InvocationRecord r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("level", r.failed() ? "ERROR" : "INFO");
        json.put("message", "skylift invocation " + r.outcome().name());
        json.put("requestId", r.requestId());
        json.put("caller", r.caller().wireName());
        putIfSet(json, "stackId", r.stackId());
        putIfSet(json, "requestType", r.requestType());
        putIfSet(json, "command", r.command());
        json.put("outcome", r.outcome().name());
        json.put("previousSchemaVersion", r.previousSchemaVersion());
        json.put("schemaVersion", r.schemaVersion());
        json.put("migrationsApplied", r.migrationsApplied());
        json.put("durationMs", r.durationMs());
        putIfSet(json, "errorCode", r.errorCode());
        putIfSet(json, "error", r.error());
        if (r.schemaDrift() != null) {
            json.put("schemaDrift", r.schemaDrift());
        }
        return json;
    }

    private Map<String, Object> metrics(InvocationRecord r) {
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(List.of(Metrics.FUNCTION_NAME_DIMENSION)));
        List<Map<String, Object>> metrics = new java.util.ArrayList<>(List.of(metric(Metrics.MIGRATIONS_APPLIED, "Count"),
                metric(Metrics.MIGRATION_DURATION, "Milliseconds"), metric(Metrics.MIGRATION_FAILED, "Count")));
        if (r.schemaDrift() != null) {
            metrics.add(metric(SCHEMA_DRIFT, "Count"));
        }
        directive.put("Metrics", metrics);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", System.currentTimeMillis());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("_aws", aws);
        json.put(Metrics.FUNCTION_NAME_DIMENSION, functionName);
        json.put(Metrics.MIGRATIONS_APPLIED, r.migrationsApplied());
        json.put(Metrics.MIGRATION_DURATION, r.durationMs());
        json.put(Metrics.MIGRATION_FAILED, r.failed() ? 1 : 0);
        if (r.schemaDrift() != null) {
            json.put(SCHEMA_DRIFT, r.schemaDrift());
        }
        json.put("requestId", r.requestId());
        return json;
    }

    private static Map<String, Object> metric(String name, String unit) {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("Name", name);
        metric.put("Unit", unit);
        return metric;
    }

    private static void putIfSet(Map<String, Object> json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static String render(Map<String, Object> json) {
        return JsonWriter.write(json);
    }
}
