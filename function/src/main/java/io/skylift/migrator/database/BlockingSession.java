package io.skylift.migrator.database;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A database session that held a lock a migration waited for: what an operator needs to find it, and nothing it
 * ran (its query text may hold application data).
 *
 * @param pid              PostgreSQL's process id ({@code pg_terminate_backend(pid)} ends it)
 * @param user             its role, null when PostgreSQL does not say
 * @param applicationName  its {@code application_name}, empty when it set none
 * @param state            {@code active}, {@code idle in transaction}, …; null when unknown
 * @param transactionAge   how long its transaction has been open; null when it has none
 */
public record BlockingSession(int pid, String user, String applicationName, String state, Duration transactionAge) {

    /** {@code pid 4242 (user shop_app, application 'shop-api', idle in transaction, transaction open 12 s)}. */
    public String describe() {
        StringBuilder text = new StringBuilder("pid ").append(pid).append(" (user ").append(user == null ? "?" : user)
                .append(", application '").append(applicationName == null ? "" : applicationName).append('\'');
        if (state != null) {
            text.append(", ").append(state);
        }
        if (transactionAge != null) {
            text.append(", transaction open ").append(Math.max(0, transactionAge.toSeconds())).append(" s");
        }
        return text.append(')').toString();
    }

    /** Several sessions for a message, "none seen" when empty. */
    public static String describe(List<BlockingSession> sessions) {
        return sessions.isEmpty() ? "a session that ended before it could be seen"
                : sessions.stream().map(BlockingSession::describe).collect(Collectors.joining(", "));
    }
}
