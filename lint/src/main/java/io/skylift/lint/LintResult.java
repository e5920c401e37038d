package io.skylift.lint;

import java.util.List;

/**
 * The findings of a set of scripts.
 *
 * @param scripts  the scripts linted, in Flyway's order
 * @param findings their findings, script by script, by line
 */
public record LintResult(List<String> scripts, List<Finding> findings) {
    public LintResult {
        scripts = List.copyOf(scripts);
        findings = List.copyOf(findings);
    }

    public long errors() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
    }

    public long warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
    }

    public boolean hasErrors() {
        return errors() > 0;
    }

    /**
     * The report an operator reads: a summary line, then one line per finding.
     *
     * @param where what was linted, e.g. {@code migrations/}
     */
    public String report(String where) {
        StringBuilder out = new StringBuilder();
        out.append("skylift lint: ").append(scripts.size()).append(" script(s) in ").append(where).append(", ");
        if (findings.isEmpty()) {
            out.append("no findings\n");
            return out.toString();
        }
        out.append(errors()).append(" error(s), ").append(warnings()).append(" warning(s)\n");
        for (Finding finding : findings) {
            out.append("  ").append(finding.describe()).append('\n');
        }
        if (hasErrors()) {
            out.append("Errors stop the build and the deploy. Change the migration as the message says, or, if the"
                    + " statement is safe here, accept it on the line above with: -- skylift:allow <rule> <reason>\n");
        }
        return out.toString();
    }
}
