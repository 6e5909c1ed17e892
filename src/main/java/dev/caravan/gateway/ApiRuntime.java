package dev.caravan.gateway;

import dev.caravan.http.Cidr;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPolicy;
import java.util.List;
import java.util.Set;
import org.apache.camel.AsyncProcessor;

/**
 * An API's policy compiled for the hot path (built once per API version of its definition by
 * {@link ApiRuntimes}): caller networks parsed, CORS headers joined, mediator instances started,
 * the backend security profile and its HTTP client looked up, limits resolved against the
 * gateway's defaults. {@code cacheKey} changes whenever the definition does, so per-API caches
 * (the backend JWT) never serve a value built under an older policy. {@code methods} null: every
 * method the traffic port serves; else those alone, {@code allow} their {@code Allow} header.
 */
record ApiRuntime(
        ApiDefinition api,
        String cacheKey,
        List<Cidr> allowedCallers,
        CorsPolicy cors,
        List<AsyncProcessor> requestFlow,
        List<AsyncProcessor> responseFlow,
        List<AsyncProcessor> faultFlow,
        List<String> routeIds,
        BackendSecurityProfiles.Compiled security,
        BackendEndpoints.Backend backend,
        long maxRequestBodySize,
        long backendTimeoutMillis,
        boolean backendJwt,
        Set<String> backendJwtClaims,
        Set<String> methods,
        String allow) {

    ApiPolicy policy() {
        return api.policy();
    }

    /** The same runtime for an equal definition (a registry reload that did not change this API). */
    ApiRuntime withApi(ApiDefinition equal) {
        return new ApiRuntime(equal, cacheKey, allowedCallers, cors, requestFlow, responseFlow, faultFlow, routeIds,
                security, backend, maxRequestBodySize, backendTimeoutMillis, backendJwt, backendJwtClaims, methods, allow);
    }
}
