package dev.caravan.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

/**
 * Run in a JVM of its own by {@link H2DurabilityTest}: commits one row at a time to the H2 URL
 * it is given and prints each committed id once the commit has returned, until it is killed.
 */
public final class H2CommitLoop {
    private H2CommitLoop() {}

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0], "sa", "")) {
            connection.createStatement().execute("create table if not exists committed(id int primary key)");
            PreparedStatement insert = connection.prepareStatement("insert into committed values (?)");
            for (int id = 1; ; id++) {
                insert.setInt(1, id);
                insert.executeUpdate(); // auto-commit: returns once committed
                System.out.println(id);
                System.out.flush();
            }
        }
    }
}
