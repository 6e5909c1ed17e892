package dev.caravan.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Poll;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** In the running gateway: a change another node wrote to the shared database goes live here by polling, without an event. */
class RegistryPollingTest extends CaravanTestBase {
    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private LiveRegistry registry;

    @Test
    void anOrganizationWrittenByAnotherNodeIsSeenWithinThePollInterval() {
        String id = UUID.randomUUID().toString();
        // another node's write: straight to the database, no event in this JVM, then its version bump
        jdbc.sql("insert into organization(id, name, display_name, created_at) values (?, ?, ?, ?)")
                .params(id, "org_elsewhere_" + id.substring(0, 8), "Elsewhere", Timestamp.from(Instant.now())).update();
        assertThat(registry.snapshot().organizationNamesById()).doesNotContainKey(id);
        jdbc.sql("update registry_version set version = version + 1 where id = 1").update();

        Poll.until(Duration.ofSeconds(10), () -> registry.snapshot().organizationNamesById().containsKey(id),
                Boolean::booleanValue);
    }
}
