package io.skylift.migrator;

import io.skylift.lint.Finding;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.BlockingSession;
import io.skylift.migrator.database.ConnectionSupplierDataSource;
import io.skylift.migrator.database.LockWatch;
import io.skylift.migrator.database.ReadOnlySessions;
import io.skylift.migrator.drift.DriftCheck;
import io.skylift.migrator.drift.HistoryTable;
import io.skylift.migrator.drift.SchemaReference;
import io.skylift.migrator.failure.AuthenticationFailedException;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.migration.Review;
import io.skylift.migrator.plan.MigrationFolders;
import io.skylift.migrator.plan.MigrationLint;
import io.skylift.migrator.plan.ProvidedMigrationsFolder;
import java.nio.file.Path;
import javax.sql.DataSource;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.database.DatabaseConnector;
import io.skylift.migrator.database.DatabaseTarget;
import io.skylift.migrator.database.PasswordSource;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.deadline.StopReason;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.deadline.WorkLimit;
import io.skylift.migrator.deadline.Watchdog;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.failure.MigrationFailedException;
import io.skylift.migrator.migration.LockRetry;
import io.skylift.migrator.migration.MigrationProgress;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.migration.MigrationRunner;
import io.skylift.migrator.migration.MigrationSummary;
import io.skylift.migrator.migration.MigrationRole;
import io.skylift.migrator.migration.PlannerRole;
import io.skylift.migrator.migration.UpToDateCheck;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.DatabaseSecret;
import io.skylift.migrator.secrets.PlaceholderValues;
import io.skylift.migrator.secrets.RdsAuthToken;
import io.skylift.migrator.observability.RedactingFlywayLogs;
import io.skylift.migrator.secrets.ScramVerifiers;
import io.skylift.migrator.secrets.SecretSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command against the database of the secret, within a deadline: reads the secrets (cached across warm
 * invocations for at most {@code SECRET_CACHE_TTL_SECONDS}), connects (retrying while Aurora resumes), runs Flyway under the watchdog, and closes every
 * connection it opened. When the database refuses the cached credentials (the secret was rotated) it reads the
 * secret again, once.
 *
 * <p>With {@code DB_IAM_USER} it logs in as the migration role with a token signed for each connection and reads no
 * secret for the database; when that login is refused (the role does not exist yet) it sets the role up with the
 * master secret ({@link MigrationRole}) and tries once more.
 *
 * <p>A plain {@code migrate} is first answered by {@link UpToDateCheck} from one query on the probe connection;
 * Flyway (built on first use, since most deploys never need it) runs only when that check cannot prove the
 * database up to date.
 */
public final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final Settings settings;
    private final CachingSecretSource secrets;
    private final ConnectRetryPolicy retryPolicy;
    private final Optional<UpToDateCheck> upToDateCheck;
    private final Watchdog watchdog;
    private final ScramVerifiers verifiers;
    /** Built on first use: most deploys never need Flyway. */
    private final Lazy<MigrationRunner> runner;
    private final Optional<PlannerRole> plannerRole;
    /** With {@code DB_IAM_USER}: the role to log in as, set up with the master secret when its login fails. */
    private final Optional<MigrationRole> migrationRole;
    /** With {@code DB_IAM_USER}: the migration role's login passwords (signed tokens); null without. */
    private final PasswordSource iamPasswords;
    private final SchemaReference reference;
    private volatile Redactor redactor;

    public Migrator(Settings settings, CachingSecretSource secrets, ConnectRetryPolicy retryPolicy) {
        this(settings, secrets, retryPolicy, new ScramVerifiers());
    }

    /** @param verifiers the SCRAM verifiers offered as placeholders (tests count how many are computed) */
    public Migrator(Settings settings, CachingSecretSource secrets, ConnectRetryPolicy retryPolicy,
                    ScramVerifiers verifiers) {
        this(settings, secrets, retryPolicy, verifiers, settings.iamAuthentication() == null ? null
                : RdsAuthToken.withDefaultCredentials(settings.dbHost(), settings.dbPort(),
                        settings.iamAuthentication()));
    }

    /**
     * @param iamPasswords with {@code DB_IAM_USER}, the migration role's password for each login: in production a
     *                     signed IAM token, in tests a password they gave the role (PostgreSQL outside Amazon RDS
     *                     checks no tokens); ignored without {@code DB_IAM_USER}
     */
    public Migrator(Settings settings, CachingSecretSource secrets, ConnectRetryPolicy retryPolicy,
                    ScramVerifiers verifiers, PasswordSource iamPasswords) {
        this.migrationRole = settings.iamAuthentication() == null ? Optional.empty()
                : Optional.of(MigrationRole.forSettings(settings));
        this.iamPasswords = migrationRole.isEmpty() ? null
                : Objects.requireNonNull(iamPasswords, "iamPasswords must not be null with " + Settings.IAM_USER_VARIABLE);
        this.verifiers = Objects.requireNonNull(verifiers, "verifiers must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.secrets = Objects.requireNonNull(secrets, "secrets must not be null");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
        this.runner = new Lazy<>(() -> new MigrationRunner(settings));
        this.upToDateCheck = UpToDateCheck.forSettings(settings);
        this.plannerRole = PlannerRole.forSettings(settings);
        this.reference = new SchemaReference(HistoryTable.fromFlywayEnvironment(settings.flywayEnvironment()));
        this.watchdog = new Watchdog(Duration.ofMillis(Math.min(3_000, settings.deadlineMargin().toMillis() / 3)));
        this.redactor = Redactor.none().with(settings.flywayEnvironment().get("FLYWAY_PASSWORD"));
        RedactingFlywayLogs.alsoMask(redactor);
    }

    public Settings settings() {
        return settings;
    }

    /** Masks every secret value this migrator has read so far. */
    public Redactor redactor() {
        return redactor;
    }

    /**
     * @param deadline when the work must have stopped (Lambda's deadline less the margin)
     * @throws MigrationFailedException with a message fit for an operator: failing migration, database error,
     *                                  what to do; or the secret/connection error that stopped it
     */
    public MigrationReport run(DirectRequest request, Deadline deadline) {
        return run(request, new WorkLimit(deadline, new StopReason("Stopped " + settings.deadlineMargin().toSeconds()
                + " s before the Lambda deadline", " Raise the function's timeout (at most 15 minutes), or run long "
                + "migrations outside the deploy (the image's task mode on ECS: docs/long-migrations.md)."),
                StopSignal.never()));
    }

    /**
     * Runs {@code request} within {@code limit}: its deadline, or its signal when that comes first, cancels the
     * running statement and the failure's reason starts with the limit's {@link WorkLimit#stopReason()}.
     */
    public MigrationReport run(DirectRequest request, WorkLimit limit) {
        if (request.command() == Command.LINT) {
            return lint(request);
        }
        if (request.migrations().isEmpty()) {
            return run(request, limit, null);
        }
        try (ProvidedMigrationsFolder provided = ProvidedMigrationsFolder.write(request.migrations())) {
            return run(request, limit, provided.folder());
        }
    }

    /** {@code lint}: the findings of the image's (or the payload's) migrations; no secret, no database. */
    private MigrationReport lint(DirectRequest request) {
        long start = System.nanoTime();
        List<Finding> findings;
        if (request.migrations().isEmpty()) {
            findings = new MigrationLint().lint(MigrationFolders.of(settings));
        } else {
            try (ProvidedMigrationsFolder provided = ProvidedMigrationsFolder.write(request.migrations())) {
                findings = new MigrationLint().lint(List.of(provided.folder()));
            }
        }
        Review review = Review.lint(findings);
        return MigrationReport.builder(Command.LINT.wireName()).success(!review.hasErrorFindings()).review(review)
                .durationMs((System.nanoTime() - start) / 1_000_000).build();
    }

    private MigrationReport run(DirectRequest request, WorkLimit limit, Path providedFolder) {
        Deadline deadline = limit.deadline();
        try (RunState state = new RunState()) {
            try {
                return watchdog.call(() -> keepPlannerRole(request,
                                runWithRotation(request, deadline, state, providedFolder), state),
                        deadline, limit.signal(), state::cancelRunningWork, state::abortAll);
            } catch (Watchdog.DeadlineExceededException e) {
                throw deadlineFailure(limit.stopReason(), state);
            }
        }
    }

    /**
     * After a successful migrate (also one the up-to-date check answered: the planner may be new to this database),
     * on the run's own connector, inside the deadline; after the drift reference was stored, so the planner's SELECT
     * covers its table too (one the run created counts as a new table, as an applied migration's do).
     */
    private MigrationReport keepPlannerRole(DirectRequest request, MigrationReport report, RunState state) {
        if (plannerRole.isPresent() && request.command() == Command.MIGRATE && report.success()) {
            plannerRole.get().keep(state.connector()::connect, secrets.withMaxAge(settings.secretCacheTtl()),
                    report.migrationsApplied() > 0 || state.tookReference());
        }
        return report;
    }

    private static MigrationFailedException deadlineFailure(StopReason reason, RunState state) {
        String stopped = reason.stopped();
        String advice = reason.advice();
        MigrationProgress progress = state.progress();
        MigrationSummary running = progress.running();
        List<BlockingSession> lockHolders = state.flywayLockHolders();
        if (running == null && !lockHolders.isEmpty()) {
            return new MigrationFailedException(ErrorCode.FLYWAY_LOCK_WAIT, stopped + " while waiting for Flyway's "
                    + "lock, held by " + BlockingSession.describe(lockHolders) + ": another migration run (a deploy, "
                    + "the pipeline's step or an operator) is still migrating this database. Nothing was applied by "
                    + "this run; let that one finish, then check with the 'info' command.");
        }
        if (running == null) {
            return new MigrationFailedException(ErrorCode.DEADLINE_EXCEEDED, stopped
                    + " (connecting or waiting for the lock)." + advice);
        }
        String aftermath = progress.runningInTransaction() ? "; PostgreSQL rolled it back."
                : "; it ran outside a transaction, so what it did before the cancel stays (a cancelled CREATE INDEX "
                + "CONCURRENTLY leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY) and Flyway may have "
                + "recorded it as failed (run the 'repair' command after cleaning up).";
        return new MigrationFailedException(ErrorCode.DEADLINE_EXCEEDED, stopped + " while migration "
                + running.label() + " was running" + aftermath + kept(progress) + advice);
    }

    /** The migrations this run applied before the one stopped: each committed on its own, none was rolled back. */
    private static String kept(MigrationProgress progress) {
        List<MigrationSummary> applied = progress.applied();
        if (applied.isEmpty()) {
            return " No earlier migration was applied by this run.";
        }
        return " Applied by this run before it, and kept (each committed on its own): "
                + String.join(", ", applied.stream().map(MigrationSummary::label).toList()) + ".";
    }

    private MigrationReport runWithRotation(DirectRequest request, Deadline deadline, RunState state,
                                            Path providedFolder) {
        try {
            return runOnce(request, deadline, state, providedFolder);
        } catch (AuthenticationFailedException e) {
            if (migrationRole.isPresent()) {
                return runAfterSettingUp(migrationRole.get(), request, deadline, state, providedFolder);
            }
            if (settings.secretId() == null) {
                throw e;
            }
            // Every secret of the invocation: a rotation may have changed the placeholder secrets too.
            LOG.info("The database refused the cached credentials; reading secret " + settings.secretId()
                    + " and the placeholder secrets again");
            secrets.forget(settings.secretId());
            settings.placeholderSecrets().forEach(p -> secrets.forget(p.secretId()));
            return runOnce(request, deadline, state, providedFolder);
        }
    }

    /**
     * The migration role's IAM login was refused: on a first deploy the role does not exist yet (Amazon RDS says no
     * more than that the login failed). It is set up with the master secret, on a connection of its own, and the run
     * tried once more; a second refusal is the IAM side's (IAM authentication off, no {@code rds-db:connect}).
     */
    private MigrationReport runAfterSettingUp(MigrationRole role, DirectRequest request, Deadline deadline,
                                              RunState state, Path providedFolder) {
        String ofRole = "The database refused the IAM authentication token of the migration role '" + role.role()
                + "' (" + Settings.IAM_USER_VARIABLE + ")";
        if (settings.secretId() == null) {
            throw new AuthenticationFailedException(ofRole + ". Without " + Settings.SECRET_VARIABLE + " the function"
                    + " cannot create the role: set it to the master secret, or create the role yourself (CREATE ROLE "
                    + role.role() + " LOGIN; GRANT " + MigrationRole.RDS_IAM + " TO " + role.role() + "; and make it"
                    + " the owner of the schemas it migrates)");
        }
        LOG.info("The database refused the IAM login of migration role " + role.role() + "; setting the role up with"
                + " the master secret " + settings.secretId());
        DatabaseSecret master = DatabaseSecret.parse(settings.secretId(),
                secrets.withMaxAge(settings.secretCacheTtl()).read(settings.secretId()));
        redactor = redactor.with(master.password());
        RedactingFlywayLogs.alsoMask(redactor);
        DatabaseConnector connector = new DatabaseConnector(DatabaseTarget.of(settings, master), deadline,
                settings.connectTimeout(), settings.connectRetryWindow(), retryPolicy);
        state.connectWith(connector);
        try (Connection connection = connector.connect()) {
            role.ensure(connection);
        } catch (SQLException e) {
            // closing the master's connection cannot undo what was set up
        }
        try {
            return runOnce(request, deadline, state, providedFolder);
        } catch (AuthenticationFailedException e) {
            throw new AuthenticationFailedException(ofRole + " again after the role was set up with the master"
                    + " secret (it exists and is a member of " + MigrationRole.RDS_IAM + "): check that the cluster has"
                    + " IAM database authentication enabled and that the function's role may rds-db:connect as"
                    + " arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/" + role.role());
        }
    }

    private MigrationReport runOnce(DirectRequest request, Deadline deadline, RunState state, Path providedFolder) {
        SecretSource cached = secrets.withMaxAge(settings.secretCacheTtl());
        // With IAM authentication no password is read for the database: the master secret only sets the role up.
        DatabaseSecret secret = settings.secretId() == null || migrationRole.isPresent() ? null
                : DatabaseSecret.parse(settings.secretId(), cached.read(settings.secretId()));
        Map<String, String> secretPlaceholders = PlaceholderValues.resolve(settings.placeholderSecrets(), cached);
        redactor = redactor.with(secret == null ? null : secret.password())
                .with(secretPlaceholders.values().toArray(String[]::new));
        RedactingFlywayLogs.alsoMask(redactor);
        DatabaseConnector connector = migrationRole.isPresent()
                ? new DatabaseConnector(DatabaseTarget.asMigrationRole(settings), deadline, settings.connectTimeout(),
                        settings.connectRetryWindow(), retryPolicy, iamPasswords)
                : new DatabaseConnector(DatabaseTarget.of(settings, secret), deadline, settings.connectTimeout(),
                        settings.connectRetryWindow(), retryPolicy);
        state.connectWith(connector);
        // Connect once before Flyway does: an authentication failure then surfaces as ours (for the rotation
        // retry), and waiting for a resuming Aurora happens here, inside the deadline. The same connection answers
        // a no-op migrate without Flyway when it can.
        Optional<MigrationReport> upToDate = Optional.empty();
        try (Connection probe = connector.connect()) {
            if (request.command() == Command.DRIFT) {
                return drift(probe);
            }
            if (upToDateCheck.isPresent()
                    && UpToDateCheck.handles(request.command(), request.target(), request.baselineVersion())) {
                // Without the verifiers: a repeatable migration naming one (its value changes with every cold
                // start) lacks a value here, so the check hands it to Flyway, which gets them all.
                upToDate = upToDateCheck.get().upToDate(probe, secretPlaceholders);
                if (upToDate.isPresent()) {
                    upToDate = Optional.of(keepReference(upToDate.get(), probe, false, state));
                }
            } else {
                probe.isValid(1);
            }
        } catch (SQLException e) {
            // closing a probe connection that worked cannot affect the run
        }
        if (upToDate.isPresent()) {
            return upToDate.get();
        }
        Map<String, String> placeholders = verifiers.withVerifiers(secretPlaceholders);
        redactor = redactor.with(placeholders.values().toArray(String[]::new));
        RedactingFlywayLogs.alsoMask(redactor);
        // Flyway runs: watch who holds the locks it may wait for, to name them if it gives up.
        LockWatch lockWatch = LockWatch.start(connector, watchInterval());
        state.watchWith(lockWatch);
        LockRetry lockRetry = new LockRetry(settings.lockTimeout(), settings.lockRetries(), deadline,
                lockWatch::blockers);
        // plan reads only: every transaction of its sessions is READ ONLY, so nothing Flyway does can write (not
        // even create the history table), whatever the settings.
        DataSource dataSource = request.command() == Command.PLAN
                ? new ConnectionSupplierDataSource(() -> ReadOnlySessions.readOnly(connector.connect()))
                : connector.dataSource();
        MigrationReport report = runner.get().run(request, dataSource, placeholders, state.progress(), lockRetry,
                providedFolder);
        if (request.command() == Command.MIGRATE || request.command() == Command.REPAIR
                || request.command() == Command.BASELINE) {
            // The session Flyway finished with (DatabaseConnector.session()), reset.
            try (Connection connection = connector.session()) {
                // What a migrate applied, a repair accepted or a baseline declared is the schema from now on.
                boolean retake = request.command() != Command.MIGRATE || report.migrationsApplied() > 0;
                return keepReference(report, connection, retake, state);
            } catch (SQLException e) {
                return keepReference(report, e);
            }
        }
        return report;
    }

    /**
     * {@code drift}: the schema against the reference, in a session whose transactions are all read-only (the
     * planner's role could not write anyway; this makes it so for any role).
     */
    private MigrationReport drift(Connection connection) {
        long start = System.nanoTime();
        DriftCheck.Result result;
        try {
            result = new DriftCheck(reference).check(ReadOnlySessions.readOnly(connection));
        } catch (SQLException e) {
            throw new MigrationFailedException(ErrorCode.DRIFT_UNREADABLE, "drift could not read the schema history,"
                    + " its reference (table " + SchemaReference.TABLE + " beside it) or the catalogs: "
                    + e.getMessage() + " (SQL state " + e.getSQLState() + "). A read-only role needs SELECT on both"
                    + " tables.", e);
        }
        return MigrationReport.builder(Command.DRIFT.wireName()).schemaVersion(result.schemaVersion())
                .previousSchemaVersion(result.schemaVersion()).drift(result.report())
                .durationMs((System.nanoTime() - start) / 1_000_000).build();
    }

    /**
     * Stores the drift reference after a command that succeeded: always when {@code retake}, else only when there is
     * none for the current history. A failure to store it does not fail the command (the schema did move forward):
     * it is logged and said in the report's messages, and drift then answers without a reference.
     */
    private MigrationReport keepReference(MigrationReport report, Connection connection, boolean retake,
                                          RunState state) {
        try {
            boolean taken = retake ? reference.take(connection) : reference.ensure(connection);
            if (!taken) {
                return report;
            }
            state.referenceTaken();
            List<String> messages = new ArrayList<>(report.messages());
            messages.add("drift reference taken at schema version " + report.schemaVersion());
            return report.withMessages(messages);
        } catch (SQLException | RuntimeException e) {
            return keepReference(report, e);
        }
    }

    private static MigrationReport keepReference(MigrationReport report, Exception failure) {
        LOG.warn("The drift reference could not be stored ({}); drift will answer without one until the next"
                + " migrate stores it", failure.getMessage());
        List<String> messages = new ArrayList<>(report.messages());
        messages.add("drift reference not stored: " + failure.getMessage());
        return report.withMessages(messages);
    }

    /** Often enough to see a holder within one lock timeout, rarely enough to cost nothing noticeable. */
    private Duration watchInterval() {
        long millis = Math.max(50, Math.min(250, settings.lockTimeout().toMillis() / 4));
        return Duration.ofMillis(millis);
    }

}
