package dev.caravan.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema in the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust
 * auth; override with CARAVAN_TEST_PG_URL / CARAVAN_TEST_PG_USER), so every run migrates from
 * an empty database and runs never see each other's data.
 */
public final class PostgresSchemas {
    public static final String BASE_URL =
            System.getenv().getOrDefault("CARAVAN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getenv().getOrDefault("CARAVAN_TEST_PG_USER", "postgres");

    private PostgresSchemas() {
    private static void drop(String schema) {
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // best effort: a left-over schema is harmless and named caravan_*
        }
    }
}

    /** Creates a new schema and returns a JDBC URL whose current schema it is. */
    public static String freshSchemaUrl() {
        String schema = "caravan_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + BASE_URL + " is not reachable: " + e.getMessage(), e);
        
    private static void drop(String schema) {
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // best effort: a left-over schema is harmless and named caravan_*
        }
    }
}
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(schema)));
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    
    private static void drop(String schema) {
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // best effort: a left-over schema is harmless and named caravan_*
        }
    }
}

    private static void drop(String schema) {
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            // best effort: a left-over schema is harmless and named caravan_*
        }
    }
}
