package dev.caravan.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway authenticates itself to backends, as named profiles an API refers to by name
 * ({@code policy.backendSecurity}); credentials come from configuration or the environment
 * (for example {@code CARAVAN_BACKENDSECURITY_WEATHER_BASIC_PASSWORD}), never from a request or
 * the admin API. Also the proxies whose {@code X-Forwarded-For} the caller allow-list believes.
 *
 * @param backendSecurity profiles by name
 * @param trustedProxies  CIDRs of reverse proxies in front of the gateway; empty: X-Forwarded-For is ignored
 */
@Validated
@ConfigurationProperties("caravan")
public record BackendSecurityProperties(
        @Valid @NotNull @DefaultValue Map<String, @Valid Profile> backendSecurity,
        @NotNull @DefaultValue List<String> trustedProxies) {

    /**
     * A profile may combine basic auth or a static header with mutual TLS. Its credentials are
     * only for the APIs of {@code organizations}, and only towards {@code hosts} ({@code host}:
     * any port of it, {@code host:port}: that port; an IPv6 address in brackets); both required.
     */
    public record Profile(@Valid Basic basic, @Valid Header header, @Valid Tls tls,
                          List<String> organizations, List<String> hosts) {}

    /** HTTP basic credentials sent to the backend. */
    public record Basic(@NotNull String username, @NotNull String password) {}

    /** A static header sent to the backend (for example an API key). */
    public record Header(@NotNull String name, @NotNull String value) {}

    /**
     * TLS towards the backend: a client key store for mutual TLS and/or a trust store for the
     * backend's certificate (PKCS12 or JKS files).
     */
    public record Tls(String keyStore, String keyStorePassword, @DefaultValue("PKCS12") String keyStoreType,
                      String trustStore, String trustStorePassword, @DefaultValue("PKCS12") String trustStoreType,
                      @DefaultValue("true") boolean verifyHost) {}
}
