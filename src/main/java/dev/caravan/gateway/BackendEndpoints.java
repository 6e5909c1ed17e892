package dev.caravan.gateway;

import dev.caravan.broker.BrokerAddresses;
import dev.caravan.registry.ApiDefinition;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Turns an API's backend URL into where the forwarder connects (scheme, host, port) and the
 * base path the caller's remaining path is appended to. Parsed once per backend URL.
 */
@Component
public class BackendEndpoints {

    /**
     * Where an API's calls go: an HTTP server, or an Artemis queue ({@code queue} set, the rest
     * unused; from {@link #forApi} the broker address in the organization's namespace, from
     * {@link #parse} the name as the API gives it).
     */
    public record Backend(boolean tls, String host, int port, String basePath, String queue) {
        public Backend(boolean tls, String host, int port, String basePath) {
            this(tls, host, port, basePath, null);
        }

        public boolean isQueue() {
            return queue != null;
        }
    }

    public static final String QUEUE_SCHEME = "queue:";

    private final Map<String, Backend> byUrl = new ConcurrentHashMap<>();

    /**
     * Where the calls of an API of {@code organization} (its name) go. For {@code queue:<name>}
     * that is the organization's own queue {@code <organization>/<name>}
     * ({@link BrokerAddresses#apiQueue}), so no API can name another organization's queue.
     *
     * @throws IllegalArgumentException when the backend URL (or the queue name) breaks its rule
     */
    public Backend forApi(ApiDefinition api, String organization) {
        if (api.backendUrl().startsWith(QUEUE_SCHEME)) {
            return byUrl.computeIfAbsent(organization + "\n" + api.backendUrl(), key -> {
                Backend named = parse(api.backendUrl());
                return new Backend(false, null, 0, "", BrokerAddresses.apiQueue(organization, named.queue()));
            });
        }
        return byUrl.computeIfAbsent(api.backendUrl(), BackendEndpoints::parse);
    }

    static Backend parse(String backendUrl) {
        if (backendUrl.startsWith(QUEUE_SCHEME)) {
            String problem = queueProblem(backendUrl);
            if (problem != null) {
                throw new IllegalArgumentException("backend URL " + problem);
            }
            return new Backend(false, null, 0, "", backendUrl.substring(QUEUE_SCHEME.length()));
        }
        URI uri = URI.create(backendUrl);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("backend URL must be http or https");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("backend URL must name a host");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new Backend(tls, host, port, path);
    }

    /** Validation for the admin API: an absolute http(s) URL with a host, no user info, query or fragment. */
    public static String problem(String backendUrl) {
        if (backendUrl.startsWith(QUEUE_SCHEME)) {
            return queueProblem(backendUrl);
        }
        try {
            URI uri = new URI(backendUrl);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https"))) {
                return "must be an http or https URL, or queue:<name> for an Artemis queue";
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

    private static String queueProblem(String backendUrl) {
        String problem = BrokerAddresses.queueNameProblem(backendUrl.substring(QUEUE_SCHEME.length()));
        return problem == null ? null : "after queue: " + problem;
    }
}
