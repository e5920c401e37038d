package io.skylift.migrator.observability;

import io.skylift.migrator.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's logger ({@code flyway.loggers} names this class): Flyway's progress lines, its warnings and the database's
 * notices it relays ({@code DB: ...}, which a migration's {@code RAISE} can fill with a placeholder secret) go to
 * SLF4J like Flyway's own SLF4J logger, after the secrets read so far are masked.
 *
 * <p>Flyway instantiates this class by name and keeps its logging configuration in static state, so the secrets to
 * mask are static too: {@link #alsoMask} adds them; a JVM only ever masks more.
 */
public final class RedactingFlywayLogs implements LogCreator {
    private static final AtomicReference<Redactor> REDACTOR = new AtomicReference<>(Redactor.none());

    /** Masks, from now on in every Flyway log line of this JVM, every value {@code redactor} masks. */
    public static void alsoMask(Redactor redactor) {
        Objects.requireNonNull(redactor, "redactor must not be null");
        REDACTOR.updateAndGet(current -> current.with(redactor));
    }

    @Override
    public Log createLogger(Class<?> type) {
        return new RedactingLog(LoggerFactory.getLogger(type));
    }

    private record RedactingLog(Logger logger) implements Log {
        private static String redact(String text) {
            return REDACTOR.get().redact(text);
        }

        @Override
        public boolean isDebugEnabled() {
            return logger.isDebugEnabled();
        }

        @Override
        public void debug(String message) {
            if (logger.isDebugEnabled()) {
                logger.debug(redact(message));
            }
        }

        @Override
        public void info(String message) {
            logger.info(redact(message));
        }

        @Override
        public void warn(String message) {
            logger.warn(redact(message));
        }

        @Override
        public void error(String message) {
            logger.error(redact(message));
        }

        @Override
        public void error(String message, Exception e) {
            // The exception's messages may quote a statement with a secret in it: its whole trace is masked too.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            logger.error(redact(message + "\n" + trace));
        }

        @Override
        public void notice(String message) {
            logger.info(redact(message));
        }
    }
}
