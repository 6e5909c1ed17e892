package dev.caravan.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema in the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust
 * auth; override with CARAVAN_TEST_PG_URL / CARAVAN_TEST_PG_USER), so every run migrates from
 * an empty database and runs never see each other's data. The schema is dropped when the JVM exits.
 */
public final class PostgresSchemas {
    public static final String BASE_URL =
            System.getenv().getOrDefault("CARAVAN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getenv().getOrDefault("CARAVAN_TEST_PG_USER", "postgres");

    private PostgresSchemas() {}

    /** Creates a new schema and returns a JDBC URL whose current schema it is. */
    public static String freshSchemaUrl() {
        String schema = "caravan_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("create schema " + schema);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute("drop schema if exists " + schema + " cascade");
            } catch (IllegalStateException e) {
                // best effort: a left-over schema is harmless and named caravan_*
            }
        }));
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + BASE_URL + " failed: " + e.getMessage(), e);
        }
    }
}
