package dev.caravan.testsupport;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The standalone Artemis broker of the suite tagged {@code artemis}, driven through
 * {@code .ci/artemis.sh} (which CI runs to install and start it before the suite).
 */
public final class StandaloneArtemis {
    public static final String URL = System.getProperty("caravan.it.artemis.url", "tcp://127.0.0.1:61617");
    public static final String USER = System.getProperty("caravan.it.artemis.user", "caravan-it");
    public static final String PASSWORD = System.getProperty("caravan.it.artemis.password", "caravan-it-password");

    private StandaloneArtemis() {}

    /** SIGKILL: the broker gets no chance to shut down; only its journal survives. */
    public static void kill() {
        run("kill");
    }

    /** A graceful stop (SIGKILL after the script's deadline). */
    public static void stop() {
        run("stop");
    }

    public static void start() {
        run("start");
    }

    private static void run(String command) {
        try {
            Process process = new ProcessBuilder("bash", ".ci/artemis.sh", command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(".ci/artemis.sh " + command + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(".ci/artemis.sh " + command + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
