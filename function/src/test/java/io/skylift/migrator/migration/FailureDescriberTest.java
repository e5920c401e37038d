package io.skylift.migrator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureDescriberTest {

    @Test
    void flyways_documentation_links_are_cut_out_of_their_sentences_and_the_sentences_kept() {
        String flyway = """
                Unable to acquire PostgreSQL advisory lock. Configure the number of retries with the \
                'lockRetryCount' configuration option: https://rd.gt/3AbCdEf
                -------------------------------
                Detected failed migration to version 5 (index). Please remove any half-completed changes then run \
                repair to fix the schema history. See https://documentation.red-gate.com/fd/repair for details.
                """;
        assertThat(FailureDescriber.clean(flyway)).isEqualTo("Unable to acquire PostgreSQL advisory lock. Configure "
                + "the number of retries with the 'lockRetryCount' configuration option. Detected failed migration to "
                + "version 5 (index). Please remove any half-completed changes then run repair to fix the schema "
                + "history.");
    }

    @Test
    void other_links_are_the_databases_or_the_authors_words_and_stay() {
        assertThat(FailureDescriber.clean("ERROR: follow https://wiki.example.com/runbooks/backfill first"))
                .isEqualTo("ERROR: follow https://wiki.example.com/runbooks/backfill first");
    }

    @Test
    void no_message_is_never_an_empty_reason() {
        FailureDescriber describer = new FailureDescriber(text -> java.util.List.of(), new LockRetry(java.time.Duration.ofSeconds(5), 0,
                io.skylift.migrator.deadline.Deadline.after(java.time.Duration.ofMinutes(1)), java.util.List::of));
        assertThat(describer.describe(new IllegalStateException()).getMessage())
                .isEqualTo("Unexpected IllegalStateException: IllegalStateException without a message (the function's "
                        + "log has the cause chain)");
        assertThat(describer.describe(new org.flywaydb.core.api.FlywayException("https://rd.gt/3AbCdEf")).getMessage())
                .isEqualTo("Flyway could not run the migrations: FlywayException without a message");
    }
}
