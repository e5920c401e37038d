package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {

    private record Run(int status, String output) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = LintCommand.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_repositorys_own_migrations_have_no_findings() {
        Run run = run(Path.of("..", "migrations").toString());
        assertThat(run.output()).contains("5 script(s)", "no findings");
        assertThat(run.status()).isZero();
    }

    @Test
    void an_error_finding_fails_with_the_finding_printed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("V1__create.sql"), "CREATE TABLE orders (id int);\nCREATE INDEX a ON orders (id);");
        Files.createDirectories(dir.resolve("later"));
        Files.writeString(dir.resolve("later/V10__index.sql"), "\n\nCREATE INDEX b ON orders (id);");
        Files.writeString(dir.resolve("V2__drop.sql"), "ALTER TABLE orders DROP COLUMN x;");
        Files.writeString(dir.resolve("notes.txt"), "DROP TABLE orders;");
        Run run = run(dir.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.output()).contains("3 script(s)", "1 error(s), 1 warning(s)",
                "  V2__drop.sql:1: warning drop-column: DROP COLUMN x deletes its data in orders",
                "  later/V10__index.sql:3: error create-index-non-concurrent: CREATE INDEX on the existing table orders",
                "-- skylift:allow <rule> <reason>");
        assertThat(run.output().indexOf("V2__drop.sql")).as("Flyway's order: V2 before V10")
                .isLessThan(run.output().indexOf("V10__index.sql"));
    }

    @Test
    void warnings_alone_do_not_fail(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("V2__drop.sql"), "DROP TABLE legacy;");
        assertThat(run(dir.toString()).status()).isZero();
    }

    @Test
    void a_missing_directory_is_a_clear_usage_error(@TempDir Path dir) {
        Run run = run(dir.resolve("nope").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output()).contains("cannot read", "nope");
        assertThat(run().status()).isEqualTo(2);
    }
}
