package dev.caravan.http;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code caravan-http:/path[?prefix=true][&blocking=true][&deferBody=true][&maxBodySize=N][&methods=GET,POST]}: a
 * Camel consumer on the traffic server. Unlike platform-http it never turns a request header,
 * query parameter or form field into a Camel header (the route's first step copies allow-listed
 * headers from the captured {@link InboundRequest}), reads the body without blocking any
 * thread, and runs non-blocking routes on the Vert.x event loop.
 */
public class CaravanHttpComponent extends DefaultComponent {
    private final TrafficServer server;
    private final TrafficHeaderFilterStrategy headers = new TrafficHeaderFilterStrategy();

    public CaravanHttpComponent(TrafficServer server) {
        this.server = server;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String path = remaining.startsWith("/") ? remaining : "/" + remaining;
        CaravanHttpEndpoint endpoint = new CaravanHttpEndpoint(uri, this, path);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** The traffic server this component's consumers register on. */
    public TrafficServer server() {
        return server;
    }

    TrafficHeaderFilterStrategy headers() {
        return headers;
    }
}
