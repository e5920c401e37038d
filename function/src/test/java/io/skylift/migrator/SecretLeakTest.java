package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Everything the function prints, answers and returns, across successes and failures, in-process and through the
 * Lambda runtime, holds neither the database password nor the placeholder secret.
 */
@ExtendWith(PostgresExtension.class)
class SecretLeakTest {

    @Test
    void no_secret_appears_in_output_answers_results_or_errors(TestDatabase database) throws Exception {
        StringBuilder everything = new StringBuilder();
        try (CapturedOutput captured = CapturedOutput.start();
             MigratorFixture fixture = new MigratorFixture(database)) {
            // The database's warnings and notices, which Flyway relays, quoting the placeholder secret.
            fixture.migration("V4_1__notices.sql", "DO $$ BEGIN RAISE WARNING 'pin is %', '${app_password}';"
                    + " RAISE NOTICE 'pin was %', '${app_password}'; END $$;");
            MigratorHandler handler = fixture.handler();
            everything.append(run(() -> MigratorFixture.invoke(handler, "{}", LambdaContext.generous())));
            everything.append(run(() -> MigratorFixture.invoke(handler, "{\"command\":\"info\"}", LambdaContext.generous())));
            everything.append(run(() -> MigratorFixture.invoke(handler, fixture.cloudFormationEvent("Update", "x"),
                    LambdaContext.generous())));
            // A failure whose database error quotes the placeholder's value.
            fixture.migration("V5__parse_pin.sql", "SELECT '${app_password}'::int;");
            MigratorHandler failing = fixture.handler();
            everything.append(run(() -> MigratorFixture.invoke(failing, "{}", LambdaContext.generous())));
            everything.append(run(() -> MigratorFixture.invoke(failing, fixture.cloudFormationEvent("Create", null),
                    LambdaContext.generous())));
            // A slow one stopped by the watchdog.
            fixture.removeMigration("V5__parse_pin.sql");
            fixture.migration("V5__slow.sql", "SELECT pg_sleep(30);");
            fixture.environment.put("DEADLINE_MARGIN_MS", "3000");
            everything.append(run(() -> MigratorFixture.invoke(fixture.handler(), "{}",
                    LambdaContext.withTimeLeft(Duration.ofSeconds(6)))));
            // Rotation: the cached password is stale, then wrong altogether.
            TestDatabase rotated = database.changePassword("Rotated-" + System.nanoTime() + "-Secret");
            everything.append(run(() -> MigratorFixture.invoke(handler, "{\"command\":\"info\"}", LambdaContext.generous())));
            fixture.secrets.putSecret(MigratorFixture.DB_SECRET, rotated.rdsSecretJson());
            everything.append(run(() -> MigratorFixture.invoke(handler, "{\"command\":\"info\"}", LambdaContext.generous())));
            // The same through the Lambda runtime, whose error output includes stack traces.
            fixture.removeMigration("V5__slow.sql");
            fixture.migration("V5__parse_pin.sql", "SELECT '${app_password}'::int;");
            try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess.builder(LambdaRuntimeTest.HANDLER)
                    .workingDirectory(fixture.taskRoot)
                    .environment(fixture.environment)
                    .environment("DEADLINE_MARGIN_MS", "3000")
                    .environment(fixture.secrets.environment())
                    .environment("LAMBDA_TASK_ROOT", fixture.taskRoot.toString())
                    .start()) {
                everything.append(lambda.invoke("{}", Duration.ofSeconds(60)).body());
                everything.append(lambda.invoke(fixture.cloudFormationEvent("Create", null), Duration.ofSeconds(60)).body());
                everything.append(lambda.output());
            }
            for (RecordedRequest answer : fixture.responseUrl.requests()) {
                everything.append(answer.bodyText());
            }
            assertThat(everything).as("the scenarios ran").contains("V5 (V5__parse_pin.sql)").contains("deadline");
            everything.append(captured.all());
            assertThat(everything).as("Flyway relayed the database's warning, masked").contains("pin is " + Redactor.MASK);

            String text = everything.toString();
            assertThat(text.contains(database.password())).as("the original database password leaked").isFalse();
            assertThat(text.contains(rotated.password())).as("the rotated database password leaked").isFalse();
            assertThat(text.contains(MigratorFixture.APP_PASSWORD)).as("the placeholder secret leaked").isFalse();
        }
    }

    /** What an invocation returned, or the whole exception it threw (message and stack trace). */
    private static String run(Callable<String> invocation) {
        try {
            return invocation.call();
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return trace.toString();
        }
    }
}
