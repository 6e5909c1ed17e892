package dev.caravan.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The optional JSON-lines copy of the audit store ({@code caravan.audit.file}): one event per
 * line, appended and flushed after each message, so a crash loses no line that the store has.
 * A failed write fails the message, which the broker then redelivers.
 */
@Component
public class AuditFile implements DisposableBean {
    private final Path path;
    private BufferedWriter writer;

    public AuditFile(AuditProperties properties) {
        this.path = properties.hasFile() ? Path.of(properties.file()).toAbsolutePath() : null;
    }

    public boolean enabled() {
        return path != null;
    }

    public synchronized void append(List<AuditEvent> events) {
        if (path == null || events.isEmpty()) {
            return;
        }
        try {
            if (writer == null) {
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            for (AuditEvent event : events) {
                writer.write(AuditJson.write(event));
                writer.write('\n');
            }
            writer.flush();
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("the audit file could not be written", e);
        }
    }

    private void closeQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // reopened on the next append
            }
            writer = null;
        }
    }

    @Override
    public synchronized void destroy() {
        closeQuietly();
    }
}
