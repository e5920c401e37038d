package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The CloudFormation answer is sent, in time, whatever happens to the work, the thread or the network. */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class AnswerDeadlineTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private JsonNode onlyAnswer() {
        List<RecordedRequest> requests = fixture.responseUrl.requests();
        assertThat(requests).as("exactly one answer per event").hasSize(1);
        return requests.get(0).json();
    }

    @Test
    void an_interrupt_left_on_the_warm_handlers_thread_does_not_stop_the_next_invocation() {
        Thread.currentThread().interrupt();

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("4");
        assertThat(Thread.currentThread().isInterrupted()).as("the flag does not outlive the invocation").isFalse();
    }

    @Test
    void an_interrupt_during_the_work_still_gets_the_answer_sent() {
        fixture.migration("V5__slow.sql", "SELECT pg_sleep(5);");
        Thread handlerThread = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(Duration.ofMillis(1500));
            } catch (InterruptedException e) {
                return;
            }
            handlerThread.interrupt();
        });

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());

        assertThat(onlyAnswer().get("Status").asText()).as("the work was cut short").isEqualTo("FAILED");
    }
}
