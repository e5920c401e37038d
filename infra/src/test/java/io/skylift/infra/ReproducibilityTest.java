package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two synths in a row, at different times, produce the same templates and asset manifests except for
 * the one property meant to change on every deploy: no random ids, no timestamps elsewhere.
 */
class ReproducibilityTest {

    @TempDir
    static Path first;
    @TempDir
    static Path second;

    @BeforeAll
    static void synthesizeTwice() {
        TestApps.synth(first, Map.of(), Instant.parse("2026-01-02T03:04:05Z"));
        TestApps.synth(second, Map.of(), Instant.parse("2026-01-02T03:09:41Z"));
    }

    @Test
    void the_same_files_are_written() throws IOException {
        assertThat(files(second, ".json")).isEqualTo(files(first, ".json")).isNotEmpty();
    }

    @Test
    void templates_are_identical_apart_from_the_deploy_id() throws IOException {
        for (Path file : files(first, ".template.json")) {
            String a = Files.readString(first.resolve(file));
            String b = Files.readString(second.resolve(file));
            assertThat(withoutDeployId(b)).as(file.toString()).isEqualTo(withoutDeployId(a));
        }
    }

    @Test
    void the_deploy_id_is_the_only_difference_and_it_does_differ() throws IOException {
        int differing = 0;
        for (Path file : files(first, ".template.json")) {
            String a = Files.readString(first.resolve(file));
            String b = Files.readString(second.resolve(file));
            if (!a.equals(b)) {
                differing++;
                // The custom resource's and the function's: one value, one synthesis.
                assertThat(a).contains("\"DeployId\": \"2026-01-02T03:04:05Z\"",
                        "\"SKYLIFT_DEPLOY_ID\": \"2026-01-02T03:04:05Z\"");
                assertThat(b).contains("\"DeployId\": \"2026-01-02T03:09:41Z\"",
                        "\"SKYLIFT_DEPLOY_ID\": \"2026-01-02T03:09:41Z\"");
            }
        }
        assertThat(differing).as("stage templates whose DeployId changed (dev and prod)").isEqualTo(2);
    }

    @Test
    void assets_are_identical_apart_from_the_templates_themselves() throws IOException {
        for (Path file : files(first, ".assets.json")) {
            assertThat(withoutTemplates(TestApps.readJson(second.resolve(file)))).as(file.toString())
                    .isEqualTo(withoutTemplates(TestApps.readJson(first.resolve(file))));
        }
    }

    private static String withoutDeployId(String json) {
        return json.replaceAll("\"(DeployId|SKYLIFT_DEPLOY_ID)\": \"[^\"]*\"", "\"$1\": \"<per deploy>\"");
    }

    // A stack's template is itself a file asset keyed by its hash, which the DeployId changes.
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutTemplates(Map<String, Object> manifest) {
        Map<String, Object> copy = new java.util.TreeMap<>(manifest);
        Map<String, Object> files = new java.util.TreeMap<>((Map<String, Object>) manifest.getOrDefault("files", Map.of()));
        files.values().removeIf(entry -> String.valueOf(((Map<String, Object>) entry).get("source"))
                .contains(".template.json"));
        copy.put("files", files);
        return copy;
    }

    private static List<Path> files(Path outdir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(outdir)) {
            return files.filter(Files::isRegularFile)
                    .map(outdir::relativize)
                    .filter(p -> p.toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }
}
