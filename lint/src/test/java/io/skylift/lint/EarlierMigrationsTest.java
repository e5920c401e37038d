package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What earlier migrations did is known to later ones, in Flyway's order; a table they created is live. */
class EarlierMigrationsTest {
    @TempDir
    Path dir;

    private List<String> rulesFound(String... scripts) throws IOException {
        for (int i = 0; i < scripts.length; i++) {
            Files.writeString(dir.resolve("V" + (i + 1) + "__step.sql"), scripts[i]);
        }
        return new Linter().lintDirectory(dir).findings().stream().map(f -> f.script() + " " + f.rule()).toList();
    }

    @Test
    void set_not_null_after_a_check_validated_in_an_earlier_migration_is_no_finding() throws IOException {
        assertThat(rulesFound(
                "ALTER TABLE orders ADD CONSTRAINT currency_nn CHECK (currency IS NOT NULL) NOT VALID;",
                "ALTER TABLE public.orders VALIDATE CONSTRAINT currency_nn;",
                "ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT currency_nn;"))
                .isEmpty();
    }

    @Test
    void set_not_null_after_a_validate_earlier_in_the_same_migration_is_no_finding() throws IOException {
        assertThat(rulesFound(
                "ALTER TABLE orders ADD CONSTRAINT currency_nn CHECK ((\"currency\" IS NOT NULL)) NOT VALID;",
                "ALTER TABLE orders VALIDATE CONSTRAINT currency_nn;\nALTER TABLE orders ALTER currency SET NOT NULL;"))
                .isEmpty();
    }

    @Test
    void a_check_still_not_valid_dropped_or_on_another_column_does_not_excuse_set_not_null() throws IOException {
        assertThat(rulesFound(
                "ALTER TABLE orders ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;",
                "ALTER TABLE orders ALTER COLUMN a SET NOT NULL;",
                "ALTER TABLE orders ADD CONSTRAINT b_nn CHECK (b IS NOT NULL);\nALTER TABLE orders DROP CONSTRAINT b_nn;",
                "ALTER TABLE orders ALTER COLUMN b SET NOT NULL, ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE orders ADD CONSTRAINT d_pos CHECK (d IS NOT NULL AND d > 0);",
                "ALTER TABLE orders ALTER COLUMN d SET NOT NULL;"))
                .containsExactly("V2__step.sql set-not-null", "V3__step.sql constraint-without-not-valid",
                        "V4__step.sql set-not-null", "V5__step.sql constraint-without-not-valid",
                        "V6__step.sql set-not-null");
    }

    @Test
    void a_table_created_in_an_earlier_migration_is_live_so_its_changes_are_findings() throws IOException {
        assertThat(rulesFound(
                "CREATE TABLE orders (id bigint PRIMARY KEY);",
                "ALTER TABLE orders ADD COLUMN ref text UNIQUE;\nTRUNCATE orders;\nDROP INDEX orders_pkey;"))
                .containsExactly("V2__step.sql unique-without-using-index", "V2__step.sql truncate",
                        "V2__step.sql drop-index-non-concurrent");
    }
}
