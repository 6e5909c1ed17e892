package dev.caravan;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CaravanApplication {
    /** The process's exit status when it cannot start. */
    static final int START_FAILED = 1;

    /**
     * Starts the gateway. A start that fails exits the process with a non-zero status: Spring
     * closes what it had made, but a thread of a half-started library (the broker's, say) would
     * otherwise keep the JVM alive, holding its ports and the journal lock, so the next start
     * waits forever for them and a supervisor never sees the failure.
     */
    public static void main(String[] args) {
        try {
            SpringApplication.run(CaravanApplication.class, args);
        } catch (Throwable failure) {
            // Spring Boot has logged why; the process must not outlive the failure
            System.exit(START_FAILED);
        }
    }
}
