package io.skylift.migrator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.skylift.migrator.cloudformation.CloudFormationAnswerer;
import io.skylift.migrator.cloudformation.ResponseSender;
import io.skylift.migrator.config.AllowedCommands;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.deadline.WorkLimit;
import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.InvalidInvocationException;
import io.skylift.migrator.failure.MigratorException;
import io.skylift.migrator.invocation.Caller;
import io.skylift.migrator.invocation.CloudFormationRequest;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.invocation.Invocation;
import io.skylift.migrator.invocation.InvocationParser;
import io.skylift.migrator.json.JsonWriter;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.observability.InvocationLog;
import io.skylift.migrator.observability.InvocationRecord;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.SecretSource;
import io.skylift.migrator.secrets.SecretsManagerSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
    /** Null when {@code SKYLIFT_COMMANDS} is invalid: then {@link #commandsError} is thrown by every command. */
    private final AllowedCommands allowedCommands;
    private final ConfigurationException commandsError;
    /** Made on first use, not at construction: a Delete must be answered even when the configuration is wrong. */
    private final Lazy<Migrator> migrator;

    /**
     * Used by Lambda: the process environment, Secrets Manager, a real HTTP client. As Lambda advises, the work every
     * migrating invocation needs starts during the init phase: {@link #prefetchSecrets()}.
     */
    public MigratorHandler() {
        this(System.getenv(), new SecretsManagerSource(), new ResponseSender(), ConnectRetryPolicy.DEFAULT);
        prefetchSecrets();
    }

    public MigratorHandler(Map<String, String> environment, SecretSource secrets, ResponseSender sender,
                           ConnectRetryPolicy retryPolicy) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment must not be null"));
        this.secrets = new CachingSecretSource(secrets);
        this.answerer = new CloudFormationAnswerer(sender, this.environment.get(Settings.DEPLOY_ID_VARIABLE));
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
        this.log = new InvocationLog(environment.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"));
        // Validated at start, reported by every command: a Delete or a rollback is still answered.
        AllowedCommands commands = null;
        ConfigurationException error = null;
        try {
            commands = AllowedCommands.fromEnvironment(this.environment);
        } catch (ConfigurationException e) {
            error = e;
            LOG.error("Invalid configuration, every command will fail: {}", e.getMessage());
        }
        this.allowedCommands = commands;
        this.commandsError = error;
        this.migrator = new Lazy<>(() -> new Migrator(Settings.fromEnvironment(this.environment), this.secrets,
                this.retryPolicy));
    }

    /** @throws ConfigurationException when {@code SKYLIFT_COMMANDS} is invalid */
    private AllowedCommands allowedCommands() {
        if (allowedCommands == null) {
            throw commandsError;
        }
        return allowedCommands;
    }

    /**
     * Starts reading the secrets the configuration names (the database's and the placeholder secrets') into the
     * secret cache, each on a daemon thread, which also builds the SDK client: they then arrive while Lambda fetches
     * the first event instead of after it. Never in the way: it throws nothing and changes no result; a configuration
     * the invocation will refuse starts nothing, a read that fails is left for the invocation to repeat and report,
     * and one still under way is waited for rather than repeated. A Delete, which needs no secret, may find them read
     * for nothing: one call each, once per cold start.
     *
     * @return the threads started (tests and the AOT training wait for them)
     */
    public List<Thread> prefetchSecrets() {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(environment);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<String> secretIds = new ArrayList<>();
        // With IAM authentication the master secret is read only if the role must be set up: not ahead of time.
        if (settings.secretId() != null && settings.iamAuthentication() == null) {
            secretIds.add(settings.secretId());
        }
        settings.placeholderSecrets().forEach(placeholder -> secretIds.add(placeholder.secretId()));
        return secrets.prefetch(secretIds);
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
            log.write(InvocationRecord.builder(context.getAwsRequestId(), Caller.DIRECT).outcome(ResultStatus.FAILED)
                    .durationMs(millisSince(start)).error(failure.code().name(), failure.message()).build());
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
                () -> {
                    allowedCommands().check(Command.MIGRATE);
                    return migrator().run(new DirectRequest(Command.MIGRATE, null, null), workDeadline(context));
                },
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
        log.write(InvocationRecord.builder(context.getAwsRequestId(), Caller.CLOUDFORMATION)
                .cloudFormation(request.event().getStackId(), request.requestType())
                .command(outcome.rollback() ? "rollback" : report == null ? null : report.command())
                .outcome(outcome.response().status()).report(report).durationMs(millisSince(start))
                .error(errorCode, error).build());
        output.write(outcome.response().toJson());
    }

    private void direct(DirectRequest request, Context context, OutputStream output, long start) throws IOException {
        DirectOutcome outcome = direct(request, context.getAwsRequestId(), Caller.DIRECT, start,
                migrator -> migrator.run(request, workDeadline(context)));
        switch (outcome) {
            case DirectOutcome.Failed failed -> throw new InvocationFailedException(
                    new Failure(failed.code(), failed.reason()).withCode());
            case DirectOutcome.Succeeded succeeded -> output.write(succeeded.resultJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Runs a direct request outside Lambda (the image's task mode, {@code io.skylift.migrator.task.TaskMain}) on the
     * direct invocation's own path: the same settings, secrets, migration code, log line and result, within
     * {@code limit} instead of Lambda's deadline.
     *
     * @param payload   the direct invocation's payload; a CloudFormation event is refused (nothing would answer it)
     * @param requestId the log line's {@code requestId}
     */
    public DirectOutcome runDirect(byte[] payload, String requestId, WorkLimit limit) {
        long start = System.nanoTime();
        Objects.requireNonNull(limit, "limit must not be null");
        DirectRequest request;
        try {
            if (!(parser.parse(payload) instanceof DirectRequest direct)) {
                throw new InvalidInvocationException("A CloudFormation event is answered by the function, not by a "
                        + "task: give the task a command and a direct invocation's payload");
            }
            request = direct;
        } catch (InvalidInvocationException e) {
            Failure failure = classify(e);
            log.write(InvocationRecord.builder(requestId, Caller.TASK).outcome(ResultStatus.FAILED)
                    .durationMs(millisSince(start)).error(failure.code().name(), failure.message()).build());
            return new DirectOutcome.Failed(null, failure.code(), failure.message());
        }
        return direct(request, requestId, Caller.TASK, start, migrator -> migrator.run(request, limit));
    }

    /** The direct path of every caller: runs the request, writes its log line, and never throws. */
    private DirectOutcome direct(DirectRequest request, String requestId, Caller caller, long start,
                                 Function<Migrator, MigrationReport> run) {
        MigrationReport report;
        try {
            // The function's SKYLIFT_COMMANDS binds the task too: the same image and environment, the same commands.
            allowedCommands().check(request.command());
            report = run.apply(migrator());
        } catch (Throwable t) { // NOPMD: every failure becomes one clear, redacted outcome
            Failure failure = classify(t);
            log.write(InvocationRecord.builder(requestId, caller).command(request.command().wireName())
                    .outcome(ResultStatus.FAILED).durationMs(millisSince(start))
                    .error(failure.code().name(), failure.message()).build());
            return new DirectOutcome.Failed(request.command().wireName(), failure.code(), failure.message());
        }
        log.write(InvocationRecord.builder(requestId, caller).command(report.command())
                .outcome(ResultStatus.SUCCESS).report(report).durationMs(millisSince(start)).build());
        return new DirectOutcome.Succeeded(resultJson(report, redactor()));
    }

    private Migrator migrator() {
        return migrator.get();
    }

    private Deadline workDeadline(Context context) {
        Duration margin = migrator().settings().deadlineMargin();
        return Deadline.after(Duration.ofMillis(context.getRemainingTimeInMillis()).minus(margin));
    }

    /**
     * A failure as the operator reads it: its code and its message, with every known secret masked, then cut to
     * {@link #MAX_LENGTH} characters. In that order: a secret across the cut would otherwise leave its first part in
     * the message, where the redactor no longer recognises it.
     */
    record Failure(ErrorCode code, String message) {
        /** Long enough for a migration, its error and the advice; CloudFormation's whole answer is 4096 bytes. */
        static final int MAX_LENGTH = 900;

        static Failure of(ErrorCode code, String message, Redactor redactor) {
            String redacted = redactor.redact(message);
            if (redacted.length() <= MAX_LENGTH) {
                return new Failure(code, redacted);
            }
            int cut = MAX_LENGTH - 1;
            if (Character.isHighSurrogate(redacted.charAt(cut - 1))) {
                cut--; // never half a character
            }
            return new Failure(code, redacted.substring(0, cut) + "…");
        }

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
            return Failure.of(known.code(), known.getMessage(), redactor);
        }
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        LOG.error("Unexpected failure: {}", redactor.redact(trace.toString()));
        return Failure.of(ErrorCode.UNEXPECTED, "Unexpected " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null || failure.getMessage().isBlank() ? " without a message"
                : ": " + failure.getMessage()) + " (the function's log has the cause chain)", redactor);
    }

    /**
     * The direct caller's result. Flyway's warnings and repair notes in {@code messages} are Flyway's own text, which
     * may quote a statement with a secret in it: they pass the redactor.
     */
    static String resultJson(MigrationReport report, Redactor redactor) {
        return JsonWriter.write(report.withMessages(report.messages().stream().map(redactor::redact).toList()));
    }

    private Redactor redactor() {
        return migrator.ifMade().map(Migrator::redactor).orElse(Redactor.none());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
