package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files around the app that {@code npx cdk synth} relies on. */
class RepositoryFilesTest {

    @Test
    void cdk_json_builds_the_construct_and_runs_the_infra_module_through_the_maven_wrapper() throws IOException {
        Map<String, Object> cdkJson = TestApps.readJson(TestApps.ROOT.resolve("cdk.json"));
        // "sh ./mvnw": a source artifact unzipped by CodePipeline may have lost the executable bit. "-am package": the
        // construct must carry the function's classes and jars, which its image is built from.
        assertThat(String.valueOf(cdkJson.get("app"))).startsWith("sh ./mvnw ").contains("-P synth", "-pl infra -am",
                "package");
        String pom = Files.readString(TestApps.ROOT.resolve("infra/pom.xml"));
        assertThat(pom).contains("<mainClass>" + SkyliftApp.class.getName() + "</mainClass>", "<id>synth</id>",
                "<goal>java</goal>");
    }

    @Test
    void package_json_pins_the_cdk_cli_exactly_and_the_lock_file_agrees() {
        Map<String, Object> packageJson = TestApps.readJson(TestApps.ROOT.resolve("package.json"));
        // The CDK CLI, and the cfn-guard binary with AWS Control Tower's rules for ControlTowerRulesTest: exact versions.
        assertThat(packageJson.get("devDependencies")).isEqualTo(Map.of("aws-cdk", "2.1148.1",
                "@cdklabs/cdk-validator-cfnguard", "0.0.62"));
        assertThat(CdkCliVersion.read(TestApps.ROOT)).isEqualTo("2.1148.1");
        Map<String, Object> lock = TestApps.readJson(TestApps.ROOT.resolve("package-lock.json"));
        assertThat(String.valueOf(lock.get("packages"))).contains("node_modules/aws-cdk={version=2.1148.1")
                .contains("node_modules/@cdklabs/cdk-validator-cfnguard={version=0.0.62");
    }

    @Test
    void a_version_range_is_not_a_pin(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("package.json"), "{\"devDependencies\":{\"aws-cdk\":\"^2.1148.1\"}}");
        assertThatThrownBy(() -> CdkCliVersion.read(dir)).hasMessageContaining("exact version");
    }

    @Test
    void the_root_is_found_from_the_infra_module() {
        assertThat(RepositoryRoot.find(TestApps.ROOT.resolve("infra"))).isEqualTo(TestApps.ROOT);
        assertThat(TestApps.ROOT.resolve("migrations")).isDirectory();
    }

    @Test
    void outside_the_repository_the_root_is_not_found(@TempDir Path dir) {
        assertThatThrownBy(() -> RepositoryRoot.find(dir)).hasMessageContaining("cdk.json");
    }
}
