package dev.caravan.userstore.webservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonPointer;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Usernames;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.ExternalUserStore;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * configured JSON shape, read the verdict at the configured JSON pointer, and from an accepting
 * answer the user's claims and roles at their JSON pointers ({@link WebServiceSettings#claims},
 * {@link WebServiceSettings#rolesPointer}).
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
    private final Map<String, JsonPointer> claimPointers;
    private final JsonPointer rolesPointer;
    /** The service's address for messages: no user info, no query. */
    private final String where;
    static final int MAX_ROLES = 1000;

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
        Map<String, JsonPointer> claimPointers = new LinkedHashMap<>();
        if (settings.claims() != null) {
            settings.claims().forEach((claim, text) -> claimPointers.put(claim, pointer("webService.claims." + claim, text)));
        }
        this.claimPointers = Map.copyOf(claimPointers);
        this.rolesPointer = settings.rolesPointer() == null || settings.rolesPointer().isBlank() ? null
                : pointer("webService.rolesPointer", settings.rolesPointer());
        this.where = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
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

    /** A JSON pointer to somewhere inside the answer (RFC 6901, starting with '/'). */
    public static JsonPointer pointer(String field, String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException(field + " must be a JSON pointer starting with '/', e.g. /response/mail");
        }
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not a JSON pointer (RFC 6901)");
        }
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

    /** The service's verdict, and the answer it came in. */
    private record Verdict(boolean valid, String value, JsonNode answer) implements Answer {}

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
        } catch (HttpConnectTimeoutException e) {
            return new Failure(ConnectionCheck.Stage.TIMEOUT, "no connection to the authentication service within "
                    + settings.timeout().toMillis() + " ms");
        } catch (ConnectException e) {
            return new Failure(ConnectionCheck.Stage.CONNECT_REFUSED,
                    "the authentication service refused the connection (nothing listens there)");
        } catch (HttpTimeoutException e) {
            return new Failure(ConnectionCheck.Stage.TIMEOUT, "the authentication service did not answer within "
                    + settings.timeout().toMillis() + " ms");
        } catch (SSLException e) {
            return new Failure(ConnectionCheck.Stage.TLS, "TLS with the authentication service failed");
        } catch (IOException e) {
            if (causedByTls(e)) {
                return new Failure(ConnectionCheck.Stage.TLS, "TLS with the authentication service failed");
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                    return new Failure(ConnectionCheck.Stage.UNREACHABLE, "the host name " + uri.getHost()
                            + " does not resolve");
                }
                if (t instanceof ConnectException) {
                    return new Failure(ConnectionCheck.Stage.CONNECT_REFUSED,
                            "the authentication service refused the connection (nothing listens there)");
                }
            }
            return new Failure(ConnectionCheck.Stage.UNREACHABLE, "the connection to the authentication service failed");
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
        return new Verdict(successValue.equals(verdict.asText()), verdict.asText(), json);
    }

    /** A mapping the answer does not fit: the store is misconfigured, the login unavailable. */
    private static final class MappingException extends Exception {
        MappingException(String message) {
            super(message, null, false, false);
        }
    }

    /** The accepted user, with the claims and roles the answer holds at the configured pointers. */
    private AuthenticatedUser accepted(String username, JsonNode answer) throws MappingException {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Map.Entry<String, JsonPointer> claim : claimPointers.entrySet()) {
            JsonNode value = answer.at(claim.getValue());
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isValueNode()) {
                throw new MappingException("the answer holds an object or array at " + claim.getValue()
                        + " (claim " + claim.getKey() + "), not a single value");
            }
            claims.put(claim.getKey(), value.asText());
        }
        Set<String> roles = new LinkedHashSet<>();
        if (rolesPointer != null) {
            JsonNode value = answer.at(rolesPointer);
            if (value.isTextual()) {
                roles.add(value.asText());
            } else if (value.isArray()) {
                for (JsonNode role : value) {
                    if (!role.isTextual()) {
                        throw new MappingException("the roles at " + rolesPointer + " hold an element that is not a string");
                    }
                    roles.add(role.asText());
                }
            } else if (!value.isMissingNode() && !value.isNull()) {
                throw new MappingException("the answer holds neither an array of strings nor a string at " + rolesPointer
                        + " (rolesPointer)");
            }
            if (roles.size() > MAX_ROLES) {
                throw new MappingException("the answer gives more than " + MAX_ROLES + " roles");
            }
        }
        return new AuthenticatedUser(name(username), organization, "webservice", Set.copyOf(roles), Map.copyOf(claims));
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
            if (!verdict.valid()) {
                return new Verification.Rejected();
            }
            try {
                return new Verification.Accepted(accepted(username, verdict.answer()));
            } catch (MappingException e) {
                log.warn("authentication service of organization '{}': {}; login refused", organization, e.getMessage());
                return new Verification.Unavailable("authentication service of organization '" + organization + "': "
                        + e.getMessage());
            }
        }
        Failure failure = (Failure) answer;
        log.warn("authentication service of organization '{}' failed: {}", organization, failure.reason());
        return new Verification.Unavailable("authentication service of organization '" + organization + "': "
                + failure.reason());
    }

    /**
     * A web service cannot be asked about a user without a password: a refresh for one of its users
     * relies on the refresh token family (revoked on reuse, on logout and when the organization's
     * store is replaced), so every syntactically valid username is taken as still present, and
     * {@link AuthenticatedUser#undescribed undescribed}: the service cannot say their roles and
     * claims now, so a refresh keeps those the service gave at login.
     */
    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        if (username == null || username.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(AuthenticatedUser.undescribed(name(username), organization, "webservice", null));
    }

    /**
     * Asks the service as a login does. With a probe user's username and password, the answer must
     * be the configured success value ({@code RESPONSE_MISMATCH} otherwise: a wrong success value or
     * pointer would refuse every login) and fit the claim and role pointers; without a password, a
     * made-up one is sent and only the answer's shape is checked.
     */
    @Override
    public ConnectionCheck testConnection(String probeUsername, char[] probePassword) {
        boolean probing = probeUsername != null && !probeUsername.isBlank() && !UserStore.isBlank(probePassword);
        String user = probeUsername == null || probeUsername.isBlank() ? PROBE_USER : probeUsername;
        char[] password = probing ? probePassword : PROBE_PASSWORD;
        Answer answer = ask(user, password);
        if (answer instanceof Failure failure) {
            return ConnectionCheck.failed(failure.stage(), where, where + ": " + failure.reason());
        }
        Verdict verdict = (Verdict) answer;
        if (!probing) {
            return ConnectionCheck.ok(where + ": answered in the configured shape (give a probe user's username and"
                    + " password to check the success value, claims and roles)");
        }
        if (!verdict.valid()) {
            String found = verdict.value().length() > 40 ? verdict.value().substring(0, 40) + "..." : verdict.value();
            return ConnectionCheck.failed(ConnectionCheck.Stage.RESPONSE_MISMATCH, where, where + ": the answer for the"
                    + " probe user holds '" + found + "' at " + pointer + ", not the configured successValue '"
                    + successValue + "' (if the credentials are right, every login would be refused)");
        }
        try {
            AuthenticatedUser accepted = accepted(user, verdict.answer());
            return ConnectionCheck.ok(where + ": the probe user was accepted with " + accepted.attributes().size()
                    + " of " + claimPointers.size() + " claims and " + accepted.roles().size()
                    + (accepted.roles().size() == 1 ? " role" : " roles"));
        } catch (MappingException e) {
            return ConnectionCheck.failed(ConnectionCheck.Stage.BAD_RESPONSE, where, where + ": " + e.getMessage());
        }
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
