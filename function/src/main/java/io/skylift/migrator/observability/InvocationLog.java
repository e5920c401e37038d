package io.skylift.migrator.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skylift.migrator.Json;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes, per invocation, one structured JSON line (searchable in CloudWatch Logs Insights) and one line in
 * CloudWatch Embedded Metric Format, which CloudWatch turns into the metrics {@code MigrationsApplied},
 * {@code MigrationDuration} and {@code MigrationFailed} in namespace {@code Skylift}, by {@code FunctionName}.
 */
public final class InvocationLog {
    public static final String NAMESPACE = "Skylift";

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

    private static ObjectNode summary(InvocationRecord r) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("level", r.failed() ? "ERROR" : "INFO");
        json.put("message", "skylift invocation " + r.outcome());
        json.put("requestId", r.requestId());
        json.put("caller", r.caller());
        putIfSet(json, "stackId", r.stackId());
        putIfSet(json, "requestType", r.requestType());
        putIfSet(json, "command", r.command());
        json.put("outcome", r.outcome());
        json.put("previousSchemaVersion", r.previousSchemaVersion());
        json.put("schemaVersion", r.schemaVersion());
        json.put("migrationsApplied", r.migrationsApplied());
        json.put("durationMs", r.durationMs());
        putIfSet(json, "error", r.error());
        return json;
    }

    private ObjectNode metrics(InvocationRecord r) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ObjectNode aws = json.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("FunctionName");
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", "MigrationsApplied").put("Unit", "Count");
        metrics.addObject().put("Name", "MigrationDuration").put("Unit", "Milliseconds");
        metrics.addObject().put("Name", "MigrationFailed").put("Unit", "Count");
        json.put("FunctionName", functionName);
        json.put("MigrationsApplied", r.migrationsApplied());
        json.put("MigrationDuration", r.durationMs());
        json.put("MigrationFailed", r.failed() ? 1 : 0);
        json.put("requestId", r.requestId());
        return json;
    }

    private static void putIfSet(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static String render(ObjectNode json) {
        try {
            return Json.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a JSON tree", e);
        }
    }
}
