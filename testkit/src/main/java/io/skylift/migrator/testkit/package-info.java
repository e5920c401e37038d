/**
 * Real local stand-ins for what the migrator talks to, for tests: no mocks.
 *
 * <ul>
 *   <li>{@link io.skylift.migrator.testkit.PostgresExtension}: a fresh PostgreSQL 17 database and
 *       owning role per test ({@link io.skylift.migrator.testkit.TestDatabase}), on one server per
 *       JVM (Testcontainers with Docker, embedded otherwise).</li>
 *   <li>{@link io.skylift.migrator.testkit.FakeSecretsManager}: Secrets Manager's
 *       {@code GetSecretValue} over its JSON protocol, for the real SDK client.</li>
 *   <li>{@link io.skylift.migrator.testkit.ResponseUrlServer}: CloudFormation's pre-signed S3
 *       {@code ResponseURL}, recording what is PUT to it, optionally failing.</li>
 *   <li>{@link io.skylift.migrator.testkit.RuntimeInterfaceClientProcess} and
 *       {@link io.skylift.migrator.testkit.LocalRuntimeApi}: the handler run by the real Lambda
 *       Runtime Interface Client in a child JVM, as the Lambda base image runs it.</li>
 *   <li>{@link io.skylift.migrator.testkit.CapturedOutput} and
 *       {@link io.skylift.migrator.testkit.OutputCaptureExtension}: what the test JVM printed.</li>
 * </ul>
 *
 * <p>Typical end-to-end use:
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class MigratorThroughTheRuntimeTest {
 *     @Test
 *     void migrates(TestDatabase db) throws Exception {
 *         try (FakeSecretsManager secrets = FakeSecretsManager.start();
 *              RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
 *                      .builder("io.skylift.migrator.MigratorHandler::handleRequest")
 *                      .environment(secrets.environment())
 *                      .environment("DB_SECRET_ARN", secrets.putSecret("skylift/db", db.rdsSecretJson()))
 *                      .start()) {
 *             InvocationResult result = lambda.invoke("{\"command\":\"migrate\"}", Duration.ofSeconds(60));
 *             assertThat(result.isError()).as(lambda.output()).isFalse();
 *             assertThat(db.schemaHistory()).isNotEmpty();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Every server binds 127.0.0.1 on an ephemeral port and stops on {@code close()}.
 */
package io.skylift.migrator.testkit;
