package io.skylift.migrator.migration;

import io.skylift.lint.Finding;
import io.skylift.migrator.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code plan} and {@code lint} add to a report.
 *
 * @param changed  {@code plan}: applied migrations validation rejects (file changed, missing, out of order); null
 *                 for {@code lint}
 * @param failed   {@code plan}: failed rows of the schema history; null for {@code lint}
 * @param findings lint findings ({@code plan}: of the pending migrations only)
 */
public record Review(List<ChangedMigration> changed, List<MigrationSummary> failed, List<Finding> findings)
        implements JsonWriter.JsonWritable {
    public Review {
        changed = changed == null ? null : List.copyOf(changed);
        failed = failed == null ? null : List.copyOf(failed);
        findings = List.copyOf(findings);
    }

    /** A lint review: findings only. */
    public static Review lint(List<Finding> findings) {
        return new Review(null, null, findings);
    }

    public boolean hasErrorFindings() {
        return findings.stream().anyMatch(f -> f.severity() == io.skylift.lint.Severity.ERROR);
    }

    /** {@code changed} and {@code failed} (plan only), then {@code findings}. */
    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (changed != null) {
            json.put("changed", changed);
        }
        if (failed != null) {
            json.put("failed", failed);
        }
        json.put("findings", findings.stream().map(Review::finding).toList());
        return json;
    }

    private static Map<String, Object> finding(Finding finding) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rule", finding.rule());
        json.put("severity", finding.severity().wireName());
        json.put("script", finding.script());
        json.put("line", finding.line());
        json.put("message", finding.message());
        return json;
    }
}
