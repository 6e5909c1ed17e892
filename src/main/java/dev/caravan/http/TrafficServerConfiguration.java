package dev.caravan.http;

import dev.caravan.config.CaravanProperties;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The traffic port (APIs and OAuth endpoints) is a Vert.x HTTP server owned by Camel's
 * platform-http; Spring's Tomcat serves only the management port (admin API, actuator).
 * Keeping them on two servers means no admin path can ever be reached from the traffic port.
 */
@Configuration(proxyBeanMethods = false)
public class TrafficServerConfiguration {

    @Bean(destroyMethod = "close")
    public Vertx caravanVertx(CaravanProperties properties) {
        VertxOptions options = new VertxOptions()
                .setWorkerPoolSize(properties.traffic().workerPoolSize())
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()));
        return Vertx.vertx(options);
    }

    @Bean
    public VertxPlatformHttpServer trafficServer(CaravanProperties properties, Vertx caravanVertx) {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(properties.traffic().host());
        configuration.setBindPort(properties.traffic().port());
        configuration.setMaxBodySize(properties.traffic().maxBodySize());
        VertxPlatformHttpServer server = new VertxPlatformHttpServer(configuration);
        server.setVertx(caravanVertx);
        return server;
    }

    /** The server must be a Camel service started before the routes' consumers look up its router. */
    @Bean
    public CamelContextConfiguration trafficServerRegistration(VertxPlatformHttpServer trafficServer) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                try {
                    camelContext.addService(trafficServer, true, true);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot register the traffic server", e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing
            }
        };
    }

    @Bean(name = "caravanTrafficHeaders")
    public TrafficHeaderFilterStrategy caravanTrafficHeaders() {
        return new TrafficHeaderFilterStrategy();
    }
}
