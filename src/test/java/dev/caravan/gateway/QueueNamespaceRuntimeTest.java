package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.testsupport.MediatorRig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtime of a queue-backed API sends to its organization's address, and never to a reserved one, whatever was stored. */
class QueueNamespaceRuntimeTest {
    private final MediatorRig rig = new MediatorRig();

    @Test
    void aQueueApiSendsToItsOrganizationsAddress() {
        MediatorRig.World world = rig.world("queue:orders.rr");

        ApiRuntime runtime = rig.runtimes(Map.of()).of(world.api());

        assertThat(runtime.backend().queue()).isEqualTo(world.organization().name() + "/orders.rr");
    }

    @Test
    void aStoredApiOnABrokerInternalQueueIsRefusedAtRunTimeAndReported() {
        MediatorRig.World world = rig.world("http://127.0.0.1:9/x");
        // as data written before broker-internal names were refused
        ApiDefinition dlq = rig.apis.create(world.api().organizationId(), "dlq", "/dlq_" + world.organization().name(),
                "1", "queue:DLQ", List.of("Gold"));
        rig.registry.reload();
        ApiRuntimes runtimes = rig.runtimes(Map.of());

        assertThatThrownBy(() -> runtimes.of(dlq)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(500));
        assertThat(runtimes.reportUnservableApis()).isOne();
    }
}
