package io.skylift.infra.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.infra.SkyliftApp;
import io.skylift.infra.TestApps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;

/** cdk synth lints migrations/ before it builds anything. */
class MigrationsGateTest {

    @Test
    void an_error_finding_stops_the_app_before_any_stack_exists(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("migrations"));
        Files.writeString(root.resolve("migrations/V7__rename.sql"), "ALTER TABLE orders RENAME TO purchases;");
        App app = App.Builder.create().outdir(root.resolve("cdk.out").toString()).build();

        assertThatThrownBy(() -> SkyliftApp.build(app, root, TestApps.NOW))
                .isInstanceOf(MigrationsGate.MigrationsRejectedException.class)
                .hasMessageContaining("V7__rename.sql:1: error rename-table: Renaming table orders")
                .hasMessageContaining("-- skylift:allow <rule> <reason>");
        assertThat(app.getNode().getChildren()).as("no stack was added").isEmpty();
    }

    @Test
    void warnings_are_printed_and_do_not_stop_it(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("migrations"));
        Files.writeString(root.resolve("migrations/V8__drop.sql"), "DROP TABLE legacy;");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        var result = MigrationsGate.check(root, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(result.warnings()).isEqualTo(1);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("V8__drop.sql:1: warning drop-table");
    }

    @Test
    void the_repositorys_migrations_pass_silently() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var result = MigrationsGate.check(TestApps.ROOT, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(result.findings()).isEmpty();
        assertThat(result.scripts()).isNotEmpty();
        assertThat(log.size()).isZero();
    }

    @Test
    void a_missing_migrations_folder_is_named(@TempDir Path root) {
        assertThatThrownBy(() -> MigrationsGate.check(root, System.err)).hasMessageContaining("No migrations/ folder");
    }
}
