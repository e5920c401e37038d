package io.skylift.migrator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.skylift.migrator.cloudformation.CloudFormationAnswerer;
import io.skylift.migrator.cloudformation.ResponseSender;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.invocation.CloudFormationRequest;
import io.skylift.migrator.invocation.Caller;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.InvalidInvocationException;
import io.skylift.migrator.failure.MigratorException;
import io.skylift.migrator.invocation.Invocation;
import io.skylift.migrator.invocation.InvocationParser;
import io.skylift.migrator.json.JsonWriter;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.observability.InvocationLog;
import io.skylift.migrator.observability.InvocationRecord;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.SecretSource;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.startup.StartupWarmUp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda entry point ({@code io.skylift.migrator.MigratorHandler::handleRequest}) for all three callers:
 * CloudFormation custom-resource events (answered by a PUT to their {@code ResponseURL}, then a normal return so
 * Lambda does not retry the event), and direct invocations by operators and the pipeline ({@code {"command":
 * "migrate"}}, answered with a JSON result; a failure fails the invocation).
 *
 * <p>Settings are read on first use, not at construction: a Delete must be answered even when the
 * configuration or the database is gone.
 */
public final class MigratorHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MigratorHandler.class);
    /** Left for the PUT's retries after the work's deadline. */
    private static final Duration ANSWER_RESERVE = Duration.ofMillis(500);

    private final Map<String, String> environment;
    private final CachingSecretSource secrets;
    private final CloudFormationAnswerer answerer;
    private final ConnectRetryPolicy retryPolicy;
    private final InvocationParser parser = new InvocationParser();
    private final InvocationLog log;
    private Migrator migrator;

    /**
     * Used by Lambda: the process environment, Secrets Manager, a real HTTP client; the start-up work every migrating
     * invocation needs begins in the background ({@link StartupWarmUp}).
     */
    public MigratorHandler() {
        this(System.getenv(), new SecretsManagerSource());
    }

    private MigratorHandler(Map<String, String> environment, SecretsManagerSource secrets) {
        this(environment, secrets, new ResponseSender(), ConnectRetryPolicy.DEFAULT);
        StartupWarmUp.start(environment, secrets, this.secrets);
    }

    public MigratorHandler(Map<String, String> environment, SecretSource secrets, ResponseSender sender,
                           ConnectRetryPolicy retryPolicy) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment must not be null"));
        this.secrets = new CachingSecretSource(secrets);
        this.answerer = new CloudFormationAnswerer(sender);
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
        this.log = new InvocationLog(environment.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long start = System.nanoTime();
        // A warm environment reuses this thread: an interrupt left over from an earlier invocation (or set by the
        // runtime) would make every wait below give up at once, and the answer would never be sent.
        if (Thread.interrupted()) {
            LOG.warn("The handler's thread arrived interrupted; cleared the flag so this invocation runs normally");
        }
        Invocation invocation;
        try {
            invocation = parser.parse(input.readAllBytes());
        } catch (InvalidInvocationException e) {
            Failure failure = classify(e);
            log.write(new InvocationRecord(context.getAwsRequestId(), Caller.DIRECT, null, null, null, ResultStatus.FAILED,
                    null, null, 0, millisSince(start), failure.message(), failure.code().name()));
            throw new InvocationFailedException(failure.withCode());
        }
        switch (invocation) {
            case CloudFormationRequest request -> cloudFormation(request, context, output, start);
            case DirectRequest request -> direct(request, context, output, start);
        }
    }

    private void cloudFormation(CloudFormationRequest request, Context context, OutputStream output, long start)
            throws IOException {
        Deadline lambdaDeadline = Deadline.after(Duration.ofMillis(context.getRemainingTimeInMillis()));
        Deadline answerDeadline = Deadline.after(lambdaDeadline.remaining().minus(ANSWER_RESERVE));
        AtomicReference<Failure> failure = new AtomicReference<>();
        var outcome = answerer.answer(request,
                () -> migrator().run(new DirectRequest(Command.MIGRATE, null, null), workDeadline(context)),
                t -> {
                    failure.set(classify(t));
                    return failure.get().message();
                }, answerDeadline);
        MigrationReport report = outcome.report();
        boolean failed = outcome.response().status() == ResultStatus.FAILED;
        String error = failed ? outcome.response().reason() : null;
        // A FAILED answer without a thrown failure is an event the answerer refused (unknown RequestType).
        String errorCode = !failed ? null
                : failure.get() == null ? ErrorCode.INVALID_INVOCATION.name() : failure.get().code().name();
        if (!outcome.delivered()) {
            error = "answer not delivered to CloudFormation" + (error == null ? "" : "; " + error);
        }
        log.write(new InvocationRecord(context.getAwsRequestId(), Caller.CLOUDFORMATION, request.event().getStackId(),
                request.requestType(), outcome.rollback() ? "rollback" : report == null ? null : report.command(),
                outcome.response().status(),
                report == null ? null : report.previousSchemaVersion(),
                report == null ? null : report.schemaVersion(),
                report == null ? 0 : report.migrationsApplied(), millisSince(start), error, errorCode));
        output.write(outcome.response().toJson());
    }

    private void direct(DirectRequest request, Context context, OutputStream output, long start) throws IOException {
        MigrationReport report;
        try {
            report = migrator().run(request, workDeadline(context));
        } catch (Throwable t) { // NOPMD: every failure becomes one clear, redacted function error
            Failure failure = classify(t);
            log.write(new InvocationRecord(context.getAwsRequestId(), Caller.DIRECT, null, null,
                    request.command().wireName(), ResultStatus.FAILED, null, null, 0, millisSince(start), failure.message(),
                    failure.code().name()));
            throw new InvocationFailedException(failure.withCode());
        }
        log.write(new InvocationRecord(context.getAwsRequestId(), Caller.DIRECT, null, null, report.command(),
                ResultStatus.SUCCESS, report.previousSchemaVersion(), report.schemaVersion(), report.migrationsApplied(),
                millisSince(start), null, null, report.drift() == null ? null : report.drift().differences().size()));
        output.write(resultJson(report, redactor()).getBytes(StandardCharsets.UTF_8));
    }

    private synchronized Migrator migrator() {
        if (migrator == null) {
            migrator = new Migrator(Settings.fromEnvironment(environment), secrets, retryPolicy);
        }
        return migrator;
    }

    private Deadline workDeadline(Context context) {
        Duration margin = migrator().settings().deadlineMargin();
        return Deadline.after(Duration.ofMillis(context.getRemainingTimeInMillis()).minus(margin));
    }

    /** A failure as the operator reads it: its code and its message, with every known secret masked. */
    record Failure(ErrorCode code, String message) {
        /** The direct-invocation error: {@code [CODE] message}. */
        String withCode() {
            return "[" + code + "] " + message;
        }
    }

    /** Classifies a failure; an unexpected one is logged with its whole cause chain, redacted, at ERROR. */
    private Failure classify(Throwable failure) {
        Redactor redactor = redactor();
        if (failure instanceof MigratorException known) {
            if (known.code() == ErrorCode.UNEXPECTED && known.getCause() != null) {
                StringWriter trace = new StringWriter();
                known.getCause().printStackTrace(new PrintWriter(trace));
                LOG.error("Unexpected failure: {}", redactor.redact(trace.toString()));
            }
            return new Failure(known.code(), redactor.redact(known.getMessage()));
        }
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        LOG.error("Unexpected failure: {}", redactor.redact(trace.toString()));
        return new Failure(ErrorCode.UNEXPECTED, redactor.redact("Unexpected " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null || failure.getMessage().isBlank() ? " without a message"
                : ": " + failure.getMessage()) + " (the function's log has the cause chain)"));
    }

    private String describe(Throwable failure) {
        return classify(failure).message();
    }

    /**
     * The direct caller's result. Flyway's warnings and repair notes in {@code messages} are Flyway's own text, which
     * may quote a statement with a secret in it: they pass the redactor.
     */
    static String resultJson(MigrationReport report, Redactor redactor) {
        return JsonWriter.write(report.withMessages(report.messages().stream().map(redactor::redact).toList()));
    }

    private synchronized Redactor redactor() {
        return migrator == null ? Redactor.none() : migrator.redactor();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
