package dev.caravan.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of Caravan, bound once at start-up and immutable afterwards. A missing or
 * invalid value stops start-up with a message naming the key (for example
 * {@code caravan.admin.password}).
 */
@Validated
@ConfigurationProperties("caravan")
public record CaravanProperties(
        @Valid @NotNull @DefaultValue Traffic traffic,
        @Valid @NotNull @DefaultValue Token token,
        @Valid @NotNull @DefaultValue BackendJwt backendJwt,
        @Valid @NotNull @DefaultValue Gateway gateway,
        @Valid @NotNull @DefaultValue Admin admin) {

    /**
     * The traffic port: APIs and the OAuth 2.0 endpoints (served by Vert.x). Idle connections close
     * after {@code idleTimeoutSeconds}. {@code eventLoops} 0: one per core, each serving its share of connections.
     * {@code nativeTransport}: epoll on Linux when Netty's native library loads, else NIO.
     */
    public record Traffic(
            @DefaultValue("0.0.0.0") @NotBlank String host,
            @DefaultValue("8280") @Min(0) @Max(65535) int port,
            @DefaultValue("64") @Min(1) @Max(1024) int workerPoolSize,
            @DefaultValue("10485760") @Min(1024) long maxBodySize,
            @DefaultValue("60") @Min(1) int idleTimeoutSeconds,
            @DefaultValue("0") @Min(0) @Max(256) int eventLoops,
            @DefaultValue("true") boolean nativeTransport,
            @DefaultValue("true") boolean batchFlushes,
            @DefaultValue("15s") @NotNull Duration shutdownGrace,
            @DefaultValue("65536") @Min(0) long bodyMemoryThreshold,
            @DefaultValue("0") @Min(0) long bodyMemoryBudget,
            @DefaultValue("") String bodySpillDirectory,
            @DefaultValue("256") @Min(1) int maxConnectionsPerClient,
            @DefaultValue("20000") @Min(1) int maxConnections,
            @DefaultValue("10s") @NotNull Duration headerReadTimeout,
            @DefaultValue("30s") @NotNull Duration bodyReadTimeout,
            @DefaultValue("256") @Min(1) int maxBlockingInFlight) {
    }

    /** The Token API: issuer, audience, lifetimes and input limits. */
    public record Token(
            @DefaultValue("http://localhost:8280") @NotBlank String issuer,
            @DefaultValue("caravan-gateway") @NotBlank String audience,
            @DefaultValue("1h") @NotNull Duration accessTokenTtl,
            @DefaultValue("14d") @NotNull Duration refreshTokenTtl,
            @DefaultValue("2m") @NotNull Duration refreshRetryGrace,
            @DefaultValue("8192") @Min(256) int maxFormBytes,
            @DefaultValue("256") @Min(16) int maxUsernameLength,
            @DefaultValue("1024") @Min(16) int maxPasswordLength,
            @DefaultValue("10") @Min(1) int maxFailuresPerUser,
            @DefaultValue("100") @Min(1) int maxFailuresPerAddress,
            @DefaultValue("15m") @NotNull Duration failureWindow,
            @DefaultValue("0") @Min(0) int maxConcurrentPasswordHashes,
            @DefaultValue("5s") @NotNull Duration passwordHashWait,
            @DefaultValue("16") @Min(1) @Max(1024) int workThreads,
            @DefaultValue("1000") @Min(1) int workQueue,
            @DefaultValue("256") @Min(1) int passwordHashQueue) {}

    /** The JWT the gateway sends to backends with each call. */
    public record BackendJwt(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("X-JWT-Assertion") @NotBlank @Pattern(regexp = "[A-Za-z0-9-]{1,64}") String header,
            @DefaultValue("http://wso2.org/claims/") @NotBlank String claimDialect,
            @DefaultValue("15m") @NotNull Duration ttl,
            @DefaultValue("") String issuer,
            @DefaultValue("10000") @Min(0) int cacheSize) {}

    /** The API-call path: headers let through, backend timeouts, caches, backend addresses. */
    public record Gateway(
            @DefaultValue({"Accept", "Accept-Language", "Accept-Encoding", "Content-Type", "Content-Language",
                    "Content-Encoding", "User-Agent", "Authorization", "X-Authorization", "If-Match",
                    "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "Cache-Control", "Pragma",
                    "Range", "Origin", "X-Request-ID", "X-Correlation-ID"})
            @NotEmpty List<@NotBlank String> allowedRequestHeaders,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("30s") @NotNull Duration responseTimeout,
            @DefaultValue("200") @Min(1) int maxConnections,
            @DefaultValue("100000") @Min(0) int tokenCacheSize,
            @Valid @NotNull @DefaultValue BackendNetworks backendNetworks) {}

    /**
     * Which addresses the gateway calls as backends, as IPv4 or IPv6 networks in CIDR notation.
     * The gateway never calls its built-in denied networks (loopback, unspecified, link-local,
     * multicast, reserved, cloud metadata) nor the networks in {@code denied}, unless a network
     * in {@code allowed} holds the address; its own listening ports on its own addresses are
     * never a backend, whatever is allowed. Checked by {@code BackendAddressPolicy}.
     */
    public record BackendNetworks(
            @DefaultValue List<String> denied,
            @DefaultValue List<String> allowed) {
        public BackendNetworks {
            denied = denied == null ? List.of() : List.copyOf(denied);
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }
    }

    /** The management port's admin API. There is no default password on purpose. */
    public record Admin(
            @DefaultValue("admin") @NotBlank String username,
            @NotBlank(message = "must be set (caravan.admin.password): the admin API has no default credential")
            String password,
            @DefaultValue("10") @Min(1) int maxFailuresPerUser,
            @DefaultValue("100") @Min(1) int maxFailuresPerAddress,
            @DefaultValue("5m") @NotNull Duration failureWindow) {}

    public String backendJwtIssuer() {
        return backendJwt.issuer() == null || backendJwt.issuer().isBlank() ? token.issuer() : backendJwt.issuer();
    }
}
