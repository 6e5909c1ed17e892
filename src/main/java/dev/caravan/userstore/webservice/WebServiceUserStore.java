package dev.caravan.userstore.webservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonPointer;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Usernames;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.external.ConnectionCheck;
import dev.caravan.userstore.external.ExternalUserStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One organization's authentication web service: POST the username and password in the
 * configured JSON shape, read the verdict at the configured JSON pointer.
 *
 * <p>A web service cannot tell "no such user" from "wrong password", so a negative verdict is
 * {@code Rejected}. Anything else (timeouts, 5xx, a refusal of the gateway's own credentials, an
 * answer not in the configured shape, an answer over 64 KiB) is {@code Unavailable}, never a
 * wrong password. Redirects are not followed. A blank password is never sent. Users are named
 * as given (normalized), or in lower case when the service ignores case
 * ({@link WebServiceSettings#caseSensitive} false).
 */
public final class WebServiceUserStore implements ExternalUserStore {
    private static final Logger log = LoggerFactory.getLogger(WebServiceUserStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final String PROBE_USER = "caravan-connection-test";
    private static final char[] PROBE_PASSWORD = "caravan-connection-test-password".toCharArray();

    private final String organization;
    private final WebServiceSettings settings;
    private final URI uri;
    private final String template;
    private final JsonPointer pointer;
    private final String successValue;
    private final String authorization;
    private final HttpClient client;

    public WebServiceUserStore(String organization, WebServiceSettings settings) {
        this.organization = organization;
        this.settings = settings;
        try {
            this.uri = URI.create(settings.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webService.url is not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("webService.url must be an http:// or https:// URL with a host");
        }
        this.template = settings.requestTemplate() == null || settings.requestTemplate().isBlank()
                ? WebServiceSettings.DEFAULT_REQUEST_TEMPLATE : settings.requestTemplate();
        if (!template.contains("{username}") || !template.contains("{password}")) {
            throw new IllegalArgumentException("webService.requestTemplate must contain {username} and {password}");
        }
        try {
            JSON.readTree(body("u", "p".toCharArray()));
        } catch (IOException e) {
            throw new IllegalArgumentException("webService.requestTemplate is not JSON once its placeholders are filled");
        }
        String pointerText = settings.responsePointer() == null || settings.responsePointer().isBlank()
                ? WebServiceSettings.DEFAULT_RESPONSE_POINTER : settings.responsePointer();
        try {
            this.pointer = JsonPointer.compile(pointerText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webService.responsePointer is not a JSON pointer (RFC 6901)");
        }
        this.successValue = settings.successValue() == null || settings.successValue().isEmpty()
                ? WebServiceSettings.DEFAULT_SUCCESS_VALUE : settings.successValue();
        this.authorization = settings.username() == null || settings.username().isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString((settings.username() + ":"
                        + (settings.password() == null ? "" : settings.password())).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.trustStorePath() != null && !settings.trustStorePath().isBlank()) {
            builder.sslContext(sslContext(settings.trustStorePath(), settings.trustStorePassword()));
        }
        this.client = builder.build();
    }

    private static SSLContext sslContext(String path, String password) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(path.endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalArgumentException("webService.trustStorePath could not be read as a trust store");
        }
    }

    @Override
    public String kind() {
        return "webservice";
    }

    /** The store's name for a user the service accepted: its case rule applied. */
    private String name(String username) {
        return settings.caseSensitive() ? username : Usernames.lowerCase(username);
    }

    /** The request body: the template with both placeholders replaced by JSON-escaped text. */
    String body(String username, char[] password) {
        // one pass over the template: a username containing "{password}" stays a username
        java.util.regex.Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = m.group().equals("{username}") ? jsonEscape(username) : jsonEscape(new String(password));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{username\\}|\\{password\\}");

    static String jsonEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** What one call to the service said. */
    private sealed interface Answer permits Verdict, Failure {}

    private record Verdict(boolean valid) implements Answer {}

    private record Failure(ConnectionCheck.Stage stage, String reason) implements Answer {}

    private Answer ask(String username, char[] password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(username, password), StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new Failure(ConnectionCheck.Stage.UNREACHABLE, "authentication service unreachable");
        } catch (HttpTimeoutException e) {
            return new Failure(ConnectionCheck.Stage.UNREACHABLE, "authentication service did not answer in time");
        } catch (SSLException e) {
            return new Failure(ConnectionCheck.Stage.TLS, "TLS with the authentication service failed");
        } catch (IOException e) {
            if (causedByTls(e)) {
                return new Failure(ConnectionCheck.Stage.TLS, "TLS with the authentication service failed");
            }
            return new Failure(ConnectionCheck.Stage.UNREACHABLE, "authentication service connection failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(ConnectionCheck.Stage.UNREACHABLE, "interrupted");
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return new Failure(ConnectionCheck.Stage.BIND,
                    "authentication service refused the gateway's credentials (HTTP " + status + ")");
        }
        if (status < 200 || status > 299) {
            return new Failure(ConnectionCheck.Stage.BAD_RESPONSE, "authentication service answered HTTP " + status);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            return new Failure(ConnectionCheck.Stage.BAD_RESPONSE, "authentication service answer too large");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return new Failure(ConnectionCheck.Stage.BAD_RESPONSE, "authentication service answer is not JSON");
        }
        JsonNode verdict = json == null ? null : json.at(pointer);
        if (verdict == null || verdict.isMissingNode() || !verdict.isValueNode()) {
            return new Failure(ConnectionCheck.Stage.BAD_RESPONSE,
                    "authentication service answer has no value at " + pointer);
        }
        return new Verdict(successValue.equals(verdict.asText()));
    }

    private static boolean causedByTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Verification verify(String org, String username, char[] password) {
        if (UserStore.isBlank(password)) {
            return new Verification.Rejected();
        }
        Answer answer = ask(username, password);
        if (answer instanceof Verdict verdict) {
            return verdict.valid()
                    ? new Verification.Accepted(new AuthenticatedUser(name(username), organization, "webservice", Set.of(), Map.of()))
                    : new Verification.Rejected();
        }
        Failure failure = (Failure) answer;
        log.warn("authentication service of organization '{}' failed: {}", organization, failure.reason());
        return new Verification.Unavailable(failure.reason());
    }

    /**
     * A web service cannot be asked about a user without a password: a refresh for one of its users
     * relies on the refresh token family (revoked on reuse, on logout and when the organization's
     * store is replaced), so every syntactically valid username is taken as still present.
     */
    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        if (username == null || username.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new AuthenticatedUser(name(username), organization, "webservice", Set.of(), Map.of()));
    }

    @Override
    public ConnectionCheck testConnection(String probeUsername, char[] probePassword) {
        String user = probeUsername == null || probeUsername.isBlank() ? PROBE_USER : probeUsername;
        char[] password = probePassword == null || probePassword.length == 0 ? PROBE_PASSWORD : probePassword;
        Answer answer = ask(user, password);
        if (answer instanceof Verdict verdict) {
            return ConnectionCheck.ok("the authentication service at " + uri.getHost() + " answered in the configured shape ("
                    + (verdict.valid() ? "valid" : "not valid") + " for the probe user)");
        }
        Failure failure = (Failure) answer;
        return ConnectionCheck.failed(failure.stage(), uri.toString(), failure.reason() + " (" + uri.getHost() + ")");
    }

    @Override
    public void close() {
        // the JDK client's connections close when it is unreachable; nothing to hold on to
    }

    @Override
    public String toString() {
        return "WebServiceUserStore[organization=" + organization + ", url=" + uri + "]";
    }
}
