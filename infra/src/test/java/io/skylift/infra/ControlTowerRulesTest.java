package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.infra.guard.ControlTowerAcceptances;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS Control Tower's proactive controls, as the cfn-guard binary and rules of the pinned npm package
 * {@code @cdklabs/cdk-validator-cfnguard} check them (offline), over every template of the default synth and of a
 * synth with prod in another account and region. A finding is either fixed in the app or accepted, with its reason,
 * in {@link ControlTowerAcceptances}; anything else fails the build.
 */
class ControlTowerRulesTest {
    private static final Path PACKAGE = TestApps.ROOT.resolve("node_modules/@cdklabs/cdk-validator-cfnguard");
    private static final Path RULES = PACKAGE.resolve("rules/control-tower/cfn-guard");
    private static final Pattern CONTROL_ID = Pattern.compile("\\[(CT\\.[A-Z0-9]+\\.PR\\.\\d+)]");
    private static final Pattern RESOURCE = Pattern.compile("^/Resources/([^/]+)");

    @TempDir
    static Path defaultOut;
    @TempDir
    static Path crossAccountOut;

    /** Control id to the findings ("template: logical id") it has, over both variants. */
    private static final Map<String, Set<String>> findings = new TreeMap<>();
    private static int templates;

    @BeforeAll
    static void synthesizeAndValidate() throws Exception {
        TestApps.synth(defaultOut, Map.of());
        Map<String, Object> crossAccount = new java.util.HashMap<>(TestApps.CONNECTED);
        crossAccount.putAll(Map.of("pipelineAccount", "111111111111", "pipelineRegion", "eu-west-1",
                "prodAccount", "222222222222", "prodRegion", "us-east-1"));
        TestApps.synth(crossAccountOut, crossAccount);
        for (Path out : List.of(defaultOut, crossAccountOut)) {
            for (Path template : templates(out)) {
                templates++;
                validate(template);
            }
        }
    }

    @Test
    void the_guard_binary_and_the_control_tower_rules_are_there() throws IOException {
        assertThat(guardBinary()).as("npm ci installs @cdklabs/cdk-validator-cfnguard (package.json)").isExecutable();
        try (Stream<Path> rules = Files.walk(RULES)) {
            assertThat(rules.filter(p -> p.toString().endsWith(".guard")).count()).isGreaterThan(200);
        }
        assertThat(templates).as("templates validated").isGreaterThanOrEqualTo(8);
    }

    @Test
    void every_finding_is_fixed_or_accepted_with_its_reason() {
        Map<String, Set<String>> unaccepted = new TreeMap<>(findings);
        unaccepted.keySet().removeAll(ControlTowerAcceptances.ACCEPTED.keySet());
        assertThat(unaccepted).as("Control Tower findings neither fixed nor accepted in ControlTowerAcceptances")
                .isEmpty();
    }

    @Test
    void every_acceptance_still_fires_and_carries_a_reason() {
        ControlTowerAcceptances.ACCEPTED.forEach((control, reason) -> {
            assertThat(findings).as("accepted control " + control + " no longer fires: remove it").containsKey(control);
            assertThat(reason).as("reason for " + control).hasSizeGreaterThanOrEqualTo(40);
        });
    }

    private static void validate(Path template) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(guardBinary().toString(), "validate", "-d", template.toString(),
                "-r", RULES.toString(), "--structured", "-o", "json", "--show-summary", "none")
                .redirectErrorStream(false)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("cfn-guard finished").isTrue();
        JsonNode results = new ObjectMapper().readTree(out);
        assertThat(results).as("cfn-guard output for " + template + ": " + err).isNotNull();
        String name = template.getFileName().toString().replace(".template.json", "");
        for (JsonNode result : results) {
            for (JsonNode rule : result.path("not_compliant")) {
                String text = rule.toString();
                Matcher id = CONTROL_ID.matcher(text);
                String control = id.find() ? id.group(1) : rule.path("Rule").path("name").asText();
                Set<String> resources = new TreeSet<>();
                collectPaths(rule, resources);
                findings.computeIfAbsent(control, k -> new TreeSet<>())
                        .addAll(resources.stream().map(r -> name + ": " + r).toList());
            }
        }
    }

    private static void collectPaths(JsonNode node, Set<String> resources) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("path") && field.getValue().isTextual()) {
                    Matcher m = RESOURCE.matcher(field.getValue().asText());
                    if (m.find()) {
                        resources.add(m.group(1));
                    }
                }
                collectPaths(field.getValue(), resources);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectPaths(child, resources));
        }
    }

    private static List<Path> templates(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".template.json")).sorted().toList();
        }
    }

    private static Path guardBinary() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "macos" : "ubuntu";
        String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "aarch64" : "x86_64";
        return PACKAGE.resolve("bin").resolve(os).resolve(arch).resolve("cfn-guard");
    }
}
