package io.skylift.migrator.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the function does to the roles it keeps (the planner's, the IAM migration role): statements whose names and
 * literals the server quotes, and a look at what a role may do beyond logging in, before anything is changed.
 */
public final class RoleStatements {
    private RoleStatements() {
    }

    /**
     * Runs a statement made by the server's {@code format()} from {@code template} and {@code arguments}: identifiers
     * quoted with {@code %I}, literals with {@code %L}, so no name or value can change the statement.
     */
    public static void execute(Connection connection, String template, String... arguments) throws SQLException {
        StringBuilder call = new StringBuilder("SELECT format(?");
        for (int i = 0; i < arguments.length; i++) {
            call.append(", ?");
        }
        call.append(')');
        String statementText;
        try (PreparedStatement format = connection.prepareStatement(call.toString())) {
            format.setString(1, template);
            for (int i = 0; i < arguments.length; i++) {
                format.setString(i + 2, arguments[i]);
            }
            try (ResultSet rs = format.executeQuery()) {
                rs.next();
                statementText = rs.getString(1);
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(statementText);
        }
    }

    /** Whether {@code role} exists. */
    public static boolean exists(Connection connection, String role) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * What {@code role} may do beyond logging in, in words for a message: superuser, CREATEROLE, CREATEDB,
     * REPLICATION, BYPASSRLS, being the connection's own user, membership of a role not in {@code allowedMemberships}
     * (rights come with it), and, unless {@code mayOwn}, owning a table or schema (an owner's rights no REVOKE
     * removes). Empty when the role does none of these or does not exist.
     */
    public static List<String> beyondLogin(Connection connection, String role, Set<String> allowedMemberships,
                                           boolean mayOwn) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT r.rolsuper, r.rolcreaterole,"
                + " r.rolcreatedb, r.rolreplication, r.rolbypassrls, r.rolname = current_user,"
                + " EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid)"
                + " OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid)"
                + " FROM pg_roles r WHERE r.rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return found;
                }
                String[] names = {"superuser", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS",
                    "the migrator's own user"};
                for (int i = 0; i < names.length; i++) {
                    if (rs.getBoolean(i + 1)) {
                        found.add(names[i]);
                    }
                }
                if (!mayOwn && rs.getBoolean(7)) {
                    found.add("the owner of a table or schema");
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT g.rolname FROM pg_auth_members m"
                + " JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = ?"
                + " ORDER BY g.rolname")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    if (!allowedMemberships.contains(rs.getString(1))) {
                        found.add("a member of " + rs.getString(1));
                    }
                }
            }
        }
        return found;
    }
}
