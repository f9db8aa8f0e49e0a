package org.smsexport.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The host application's own users, as its database knows them: whether a user exists and is active, and whether they
 * are an administrator. The original SMS keeps them in {@code users} ({@code email}, {@code role}, {@code is_active}):
 * a token's user must be there and active, and is an admin when their role is {@code admin}.
 */
@FunctionalInterface
public interface HostUsers {

    /**
     * One user of the host.
     *
     * @param active whether they may use the application
     * @param admin  whether they are an administrator
     */
    record HostUser(boolean active, boolean admin) {
    }

    /**
     * @param name the user, as the token names them
     * @return the user, or empty when the host has none of that name
     */
    Optional<HostUser> find(String name);

    /** @return the original SMS's rule: {@code users} by {@code email}, {@code is_active}, admin when {@code role} is {@code admin} */
    static HostUsers sms(DataSource db) {
        return jdbc(db, "users", "email", "role", "is_active", "admin");
    }

    /**
     * Reads each user with one query ({@code SELECT role, active FROM table WHERE name = ?}); only reads, never changes the
     * table.
     *
     * @param db        the host's database
     * @param table     its users table
     * @param name      the column a token's user is matched with
     * @param role      the column with the user's role
     * @param active    the boolean column that says the user may sign in, or {@code null} when every user found is active
     * @param adminRole the role of an administrator (compared ignoring case)
     * @return the users
     * @throws IllegalArgumentException when a name is not a plain SQL identifier
     */
    static HostUsers jdbc(DataSource db, String table, String name, String role, String active, String adminRole) {
        Pattern id = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
        for (String n : new String[] {table, name, role}) {
            if (n == null || !id.matcher(n).matches()) {
                throw new IllegalArgumentException("'" + n + "' is not a plain SQL identifier (letters, digits, _)");
            }
        }
        if (active != null && !id.matcher(active).matches()) {
            throw new IllegalArgumentException("'" + active + "' is not a plain SQL identifier (letters, digits, _)");
        }
        Objects.requireNonNull(db, "db");
        String admin = Objects.requireNonNull(adminRole, "adminRole").toLowerCase(Locale.ROOT);
        String sql = "SELECT " + role + (active == null ? "" : ", " + active) + " FROM " + table + " WHERE " + name + " = ?";
        return user -> {
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String r = rs.getString(1);
                    boolean on = active == null || rs.getBoolean(2);
                    return Optional.of(new HostUser(on, r != null && r.toLowerCase(Locale.ROOT).equals(admin)));
                }
            } catch (SQLException e) {
                throw new org.smsexport.ExportException("Cannot read the host's users from " + table + ": " + e.getMessage(), e);
            }
        };
    }
}
