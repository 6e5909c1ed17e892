package dev.caravan.gateway;

import dev.caravan.config.CaravanProperties;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The pooled backend HTTP client: timeouts and pool size from {@code caravan.gateway.*}. */
@Configuration(proxyBeanMethods = false)
public class BackendClientConfiguration {

    @Bean
    public ComponentCustomizer backendHttpClient(CaravanProperties properties) {
        CaravanProperties.Gateway gateway = properties.gateway();
        return ComponentCustomizer.builder(HttpComponent.class).build(http -> {
            int connect = (int) gateway.connectTimeout().toMillis();
            int response = (int) gateway.responseTimeout().toMillis();
            http.setConnectTimeout(connect);
            http.setConnectionRequestTimeout(connect);
            http.setResponseTimeout(response);
            http.setSoTimeout(response);
            http.setMaxTotalConnections(gateway.maxConnections());
            http.setConnectionsPerRoute(gateway.maxConnections());
        });
    }
}
