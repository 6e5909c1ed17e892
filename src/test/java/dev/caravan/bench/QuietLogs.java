package dev.caravan.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without Spring Boot, logback falls back to DEBUG on the console: Flyway and Camel would
 * print into JMH's output. The benchmarks call this first thing in their setup.
 */
final class QuietLogs {
    private QuietLogs() {}

    static void warnOnly() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.WARN);
        }
    }
}
