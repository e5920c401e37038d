package io.skylift.migrator.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Makes a session read-only for good: {@code plan} must change nothing in the database. */
public final class ReadOnlySessions {

    private ReadOnlySessions() {
    }

    /**
     * Sets every later transaction of {@code connection}'s session (autocommit statements included) to READ ONLY:
     * PostgreSQL then refuses any write, DDL included, with SQL state 25006.
     *
     * @return {@code connection}; closed when the setting fails
     */
    public static Connection readOnly(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }
}
