package dev.caravan.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed server certificates for TLS tests, made with the JDK's own keytool: a PKCS#12
 * key store holding a key and a certificate for {@code localhost} and {@code 127.0.0.1}, so
 * clients that verify host names accept it when they trust it.
 */
public final class TestCertificates {
    public static final String PASSWORD = "test-store-password";

    private TestCertificates() {}

    /** A fresh key store (also usable as a trust store) in a temporary file. */
    public static File localhost() {
        return selfSigned("CN=localhost");
    }

    /** A fresh key store with a self-signed key pair for this subject (also valid for localhost and 127.0.0.1). */
    public static File selfSigned(String subject) {
        return selfSigned(subject, "dns:localhost,ip:127.0.0.1");
    }

    /**
     * A fresh key store whose certificate names only {@code another.example} (no IP address, no
     * {@code localhost}): a server reached by {@code 127.0.0.1} with it presents a certificate for
     * another host, which a client checking host names must refuse even when it trusts it.
     */
    public static File forAnotherHost() {
        return selfSigned("CN=another.example", "dns:another.example");
    }

    /** A fresh key store with a self-signed key pair for this subject and these subject alternative names. */
    public static File selfSigned(String subject, String subjectAlternativeNames) {
        try {
            Path dir = Files.createTempDirectory("caravan-cert");
            File store = dir.resolve("server.p12").toFile();
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                    "-keysize", "2048", "-dname", subject, "-ext", "SAN=" + subjectAlternativeNames,
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.getPath(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            store.deleteOnExit();
            return store;
        } catch (Exception e) {
            throw new IllegalStateException("could not make a test certificate", e);
        }
    }
}
