package dev.caravan.http;

import dev.caravan.config.CaravanProperties;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The traffic port (APIs and OAuth endpoints) is a Vert.x HTTP server whose paths belong to
 * {@code caravan-http:} route consumers; Spring's Tomcat serves only the management port
 * (admin API, actuator). Two servers: no admin path can ever be reached from the traffic port.
 * An agent ({@code caravan.agent.enabled}) serves no traffic and opens no traffic port.
 */
@Configuration(proxyBeanMethods = false)
public class TrafficServerConfiguration {

    @Bean(destroyMethod = "close")
    public Vertx caravanVertx(CaravanProperties properties) {
        VertxOptions options = new VertxOptions()
                .setWorkerPoolSize(properties.traffic().workerPoolSize())
                .setEventLoopPoolSize(eventLoops(properties))
                // Linux epoll through Netty's native transport (on the class path); NIO where it cannot load
                .setPreferNativeTransport(properties.traffic().nativeTransport());
        Vertx vertx = Vertx.vertx(options);
        LoggerFactory.getLogger(TrafficServerConfiguration.class).info("Vert.x transport: {}",
                vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
        return vertx;
    }

    /** The number of event loops: {@code caravan.traffic.event-loops}, 0 meaning one per core. */
    public static int eventLoops(CaravanProperties properties) {
        int configured = properties.traffic().eventLoops();
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "caravan.agent.enabled", havingValue = "false", matchIfMissing = true)
    public TrafficServer trafficServer(Vertx caravanVertx, CaravanProperties properties) {
        CaravanProperties.Traffic traffic = properties.traffic();
        return new TrafficServer(caravanVertx, traffic.host(), traffic.port(), traffic.idleTimeoutSeconds(),
                eventLoops(properties), traffic.batchFlushes(), traffic.shutdownGrace(), TrafficLimits.of(traffic));
    }

    /** Registered under the URI scheme the routes use: {@code caravan-http:}. */
    @Bean("caravan-http")
    @ConditionalOnProperty(name = "caravan.agent.enabled", havingValue = "false", matchIfMissing = true)
    public CaravanHttpComponent caravanHttpComponent(TrafficServer trafficServer) {
        return new CaravanHttpComponent(trafficServer);
    }
}
