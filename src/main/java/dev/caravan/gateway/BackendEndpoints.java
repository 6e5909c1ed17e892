package dev.caravan.gateway;

import dev.caravan.registry.ApiDefinition;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Turns an API's backend URL into the Camel endpoint the route forwards to: one endpoint per
 * backend origin, so the producer and its connection pool are reused; the API's base path and
 * the caller's remaining path travel as {@code CamelHttpPath}. The producer bridges (the
 * request URI is ours, not the caller's), never throws on 4xx/5xx, follows no redirect and
 * copies no request header into the response.
 */
@Component
public class BackendEndpoints {
    static final String OPTIONS =
            "?bridgeEndpoint=true&throwExceptionOnFailure=false&followRedirects=false&copyHeaders=false";

    /** Where an API's calls go. */
    public record Backend(String endpointUri, String basePath) {}

    private final Map<String, Backend> byUrl = new ConcurrentHashMap<>();

    public Backend forApi(ApiDefinition api) {
        return byUrl.computeIfAbsent(api.backendUrl(), BackendEndpoints::parse);
    }

    static Backend parse(String backendUrl) {
        URI uri = URI.create(backendUrl);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("backend URL must be http or https");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Backend(scheme + "://" + uri.getRawAuthority() + OPTIONS, path);
    }

    /** Validation for the admin API: an absolute http(s) URL with a host, no user info, query or fragment. */
    public static String problem(String backendUrl) {
        try {
            URI uri = new URI(backendUrl);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https"))) {
                return "must be an http or https URL";
            }
            if (uri.getHost() == null) {
                return "must name a host";
            }
            if (uri.getRawUserInfo() != null) {
                return "must not carry credentials";
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "must not have a query or fragment";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "is not a valid URL";
        }
    }
}
