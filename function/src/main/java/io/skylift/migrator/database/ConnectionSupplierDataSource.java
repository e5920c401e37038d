package io.skylift.migrator.database;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that is only a way to open connections, as Flyway needs one: credentials, log writers and
 * timeouts are the supplier's business, not the caller's.
 */
public final class ConnectionSupplierDataSource implements DataSource {
    /** Opens one connection. */
    @FunctionalInterface
    public interface ConnectionSupplier {
        Connection open() throws SQLException;
    }

    private final ConnectionSupplier supplier;

    public ConnectionSupplierDataSource(ConnectionSupplier supplier) {
        this.supplier = Objects.requireNonNull(supplier, "supplier must not be null");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return supplier.open();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the connection supplier holds the credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // nothing is written to it
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the supplier has its own
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
