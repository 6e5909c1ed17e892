package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.CaravanTestBase;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.spi.EventNotifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Settings of the running application that keep per-call work off the API-call path: what
 * Camel does around each hop of every call, not what the hops do (their behaviour has its own
 * tests; their speed is measured by bench/, never here).
 */
class HotPathCamelSettingsTest extends CaravanTestBase {
    @Autowired
    private CamelContext camel;

    @Test
    void noEventNotifierIsAskedAboutExchanges() {
        // with one notifier that wants exchange events Camel builds an event object at every hop
        assertThat(camel.getManagementStrategy().getEventNotifiers())
                .allMatch(EventNotifier::isIgnoreExchangeEvents, "ignores exchange events");
    }

    @Test
    void theApiCallRouteCatchesErrorsWithoutAnErrorHandlerAroundEachHop() {
        Route route = camel.getRoute("api-gateway");
        assertThat(route).isNotNull();
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition("api-gateway");
        assertThat(definition.getErrorHandlerFactory()).isInstanceOf(NoErrorHandlerDefinition.class);
    }
}
