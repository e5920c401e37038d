package io.skylift.lint;

import io.skylift.lint.rules.Catalog;
import io.skylift.lint.rules.Rule;
import io.skylift.lint.rules.Rules;
import io.skylift.lint.rules.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Lints SQL migrations without a database: splits each script into statements, runs every {@link Rule}, and applies
 * the {@code -- skylift:allow <rule> <reason>} comments written on the lines above a statement. An allow without a
 * reason, or naming no known rule, accepts nothing and is a finding of its own; an allow that accepts nothing is a
 * warning (it may sit above the wrong statement).
 */
public final class Linter {
    /** Rule id of an allow comment without a reason. */
    public static final String ALLOW_WITHOUT_REASON = "allow-without-reason";
    /** Rule id of an allow comment naming a rule that does not exist. */
    public static final String ALLOW_UNKNOWN_RULE = "allow-unknown-rule";
    /** Rule id of an allow comment that accepted no finding. */
    public static final String UNUSED_ALLOW = "unused-allow";
    /** Rule id of a script configuration file ({@code .sql.conf}) that Flyway would refuse. */
    public static final String INVALID_SCRIPT_CONFIG = "invalid-script-config";

    private final List<Rule> rules;

    /** A linter with every rule of {@link Rules#all()}. */
    public Linter() {
        this(Rules.all());
    }

    public Linter(List<Rule> rules) {
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules must not be null"));
    }

    /**
     * The findings of one script, ordered by line.
     *
     * @param script the name findings carry, e.g. {@code V5__add_index.sql}
     * @param sql    the script's text
     */
    public List<Finding> lint(String script, String sql) {
        return lint(Script.parse(script, sql));
    }

    /** The findings of one script that knows its configuration file and what the migrations before it did. */
    public List<Finding> lint(Script parsed) {
        String script = parsed.name();
        List<List<Violation>> byRule = new ArrayList<>();
        for (Rule rule : rules) {
            byRule.add(rule.check(parsed));
        }
        List<Finding> findings = new ArrayList<>();
        for (String problem : parsed.config().problems()) {
            findings.add(new Finding(INVALID_SCRIPT_CONFIG, Severity.ERROR, script, 1, "Flyway refuses " + script
                    + ".conf: " + problem + ". Correct the file (e.g. executeInTransaction=false) or delete it."));
        }
        for (int index = 0; index < parsed.statements().size(); index++) {
            Statement statement = parsed.statements().get(index);
            List<Allow> allows = statement.preceding().stream().map(Allow::parse).flatMap(java.util.Optional::stream)
                    .toList();
            Set<Allow> used = new HashSet<>();
            for (Allow allow : allows) {
                if (!allow.hasReason()) {
                    findings.add(new Finding(ALLOW_WITHOUT_REASON, Severity.ERROR, script, allow.line(),
                            "'-- skylift:allow " + allow.rule() + "' gives no reason, so it accepts nothing: write"
                                    + " -- skylift:allow <rule> <why this is safe here>."));
                } else if (Rules.byId(allow.rule()).isEmpty()) {
                    findings.add(new Finding(ALLOW_UNKNOWN_RULE, Severity.ERROR, script, allow.line(),
                            "'-- skylift:allow " + allow.rule() + "' names no rule: use one of " + ruleIds() + "."));
                }
            }
            for (int r = 0; r < rules.size(); r++) {
                Rule rule = rules.get(r);
                final int statementIndex = index;
                List<String> messages = byRule.get(r).stream().filter(v -> v.statement() == statementIndex)
                        .map(Violation::message).toList();
                if (messages.isEmpty()) {
                    continue;
                }
                Allow accepting = allows.stream()
                        .filter(a -> a.hasReason() && a.rule().equals(rule.id())).findFirst().orElse(null);
                if (accepting != null) {
                    used.add(accepting);
                    continue;
                }
                // One finding per rule and statement: an ALTER TABLE adding twenty generated columns is one problem.
                String message = messages.get(0) + (messages.size() == 1 ? ""
                        : " (" + (messages.size() - 1) + " more like it in this statement)");
                findings.add(new Finding(rule.id(), rule.severity(), script, statement.line(), message));
            }
            for (Allow allow : allows) {
                if (allow.hasReason() && !used.contains(allow) && Rules.byId(allow.rule()).isPresent()) {
                    findings.add(new Finding(UNUSED_ALLOW, Severity.WARNING, script, allow.line(),
                            "'-- skylift:allow " + allow.rule() + "' accepts nothing in the statement below it: remove"
                                    + " it, or move it to the statement it is about."));
                }
            }
        }
        findings.sort(Comparator.comparingInt(Finding::line));
        return List.copyOf(findings);
    }

    /**
     * Lints every {@code .sql} file under {@code directory} (recursively, as Flyway scans a location), in the order
     * Flyway applies them, each with its {@code .sql.conf} (read as Flyway reads it) and what the scripts before it
     * did.
     *
     * @throws IOException when the directory or a file cannot be read
     */
    public LintResult lintDirectory(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory must not be null");
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        List<String> scripts;
        try (Stream<Path> walk = Files.walk(directory)) {
            scripts = walk.filter(Files::isRegularFile)
                    .map(path -> directory.relativize(path).toString().replace('\\', '/'))
                    .filter(name -> name.endsWith(".sql"))
                    .sorted(new ScriptOrder())
                    .toList();
        }
        List<Finding> findings = new ArrayList<>();
        Catalog earlier = Catalog.EMPTY;
        for (String script : scripts) {
            Path conf = directory.resolve(script + ".conf");
            ScriptConfig config = Files.isRegularFile(conf)
                    ? ScriptConfig.parse(Files.readString(conf, StandardCharsets.UTF_8)) : ScriptConfig.NONE;
            Script parsed = Script.parse(script, Files.readString(directory.resolve(script), StandardCharsets.UTF_8),
                    config, earlier);
            findings.addAll(lint(parsed));
            earlier = earlier.after(parsed);
        }
        return new LintResult(scripts, findings);
    }

    private String ruleIds() {
        return String.join(", ", rules.stream().map(Rule::id).toList());
    }
}
