package dev.caravan.registry;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the in-memory registries of several gateway nodes on one database in step. A node that
 * changes the registry bumps a shared counter ({@code registry_version}); every node polls the
 * counter ({@code caravan.registry.poll-interval}, 2 s) and reloads its {@link LiveRegistry} when
 * it moved. A node's own changes are already live through {@link RegistryChangedEvent}; seeing
 * its own bump again costs one redundant reload, which keeps the rule simple and never skips a
 * change another node made at the same moment.
 */
@Component
public class RegistryVersion {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryVersion.class);

    private final JdbcClient jdbc;
    private final LiveRegistry registry;
    private final AtomicLong seen = new AtomicLong(Long.MIN_VALUE);

    public RegistryVersion(JdbcClient jdbc, LiveRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
        seen.set(current());
    }

    /** This node changed the registry: tell the others (in the change's own transaction, if it has one). */
    @TransactionalEventListener(classes = RegistryChangedEvent.class, phase = TransactionPhase.BEFORE_COMMIT,
            fallbackExecution = true)
    public void bump() {
        jdbc.sql("update registry_version set version = version + 1 where id = 1").update();
    }

    /** Reloads the registry when any node changed it since the last look. */
    @Scheduled(initialDelayString = "${caravan.registry.poll-interval:2s}", fixedDelayString = "${caravan.registry.poll-interval:2s}")
    public void poll() {
        try {
            long version = current();
            if (seen.getAndSet(version) != version) {
                registry.reload();
            }
        } catch (RuntimeException e) {
            LOG.warn("registry version could not be read: {}", e.getClass().getName());
        }
    }

    private long current() {
        return jdbc.sql("select version from registry_version where id = 1").query(Long.class).single();
    }
}
