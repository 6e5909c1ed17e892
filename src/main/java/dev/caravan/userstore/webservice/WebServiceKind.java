package dev.caravan.userstore.webservice;

import static dev.caravan.userstore.DefinitionFields.bool;
import static dev.caravan.userstore.DefinitionFields.duration;
import static dev.caravan.userstore.DefinitionFields.optionalText;
import static dev.caravan.userstore.DefinitionFields.putIfSet;
import static dev.caravan.userstore.DefinitionFields.putSecret;
import static dev.caravan.userstore.DefinitionFields.requiredText;
import static dev.caravan.userstore.DefinitionFields.secret;
import static dev.caravan.userstore.DefinitionFields.stringMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.UserStoreKind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/** The {@code webservice} userstore kind: an authentication web service, settings in {@code webService}. */
@Component
public class WebServiceKind implements UserStoreKind<WebServiceSettings> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("url", "username", "password", "passwordSet",
            "requestTemplate", "responsePointer", "successValue", "timeout", "trustStorePath", "trustStorePassword",
            "trustStorePasswordSet", "caseSensitive", "claims", "rolesPointer");

    @Override
    public String name() {
        return "webservice";
    }

    @Override
    public String settingsField() {
        return "webService";
    }

    @Override
    public Class<WebServiceSettings> settingsType() {
        return WebServiceSettings.class;
    }

    @Override
    public Class<?> propertiesType() {
        return WebServiceProperties.class;
    }

    @Override
    public Set<String> fields() {
        return FIELDS;
    }

    @Override
    public List<String> secretFields() {
        return List.of("password", "trustStorePassword");
    }

    @Override
    public WebServiceSettings read(JsonNode n, WebServiceSettings previous) {
        if (!n.isObject()) {
            throw new InvalidStoreDefinitionException("webService", "required for kind webservice in local mode");
        }
        String url = requiredText(n, "url", "webService.url");
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException("webService.url", "must be an http:// or https:// URL with a host");
        }
        String template = optionalText(n, "requestTemplate", "webService.requestTemplate");
        if (template != null) {
            if (!template.contains("{username}") || !template.contains("{password}")) {
                throw new InvalidStoreDefinitionException("webService.requestTemplate",
                        "must contain {username} and {password}");
            }
            try {
                JSON.readTree(template.replace("{username}", "u").replace("{password}", "p"));
            } catch (Exception e) {
                throw new InvalidStoreDefinitionException("webService.requestTemplate",
                        "must be JSON once {username} and {password} are filled in");
            }
        }
        String pointer = optionalText(n, "responsePointer", "webService.responsePointer");
        if (pointer != null) {
            jsonPointer(pointer, "webService.responsePointer");
        }
        Map<String, String> claims = stringMap(n, "claims", "webService.claims");
        claims.forEach((claim, text) -> jsonPointer(text, "webService.claims." + claim));
        String rolesPointer = optionalText(n, "rolesPointer", "webService.rolesPointer");
        if (rolesPointer != null) {
            jsonPointer(rolesPointer, "webService.rolesPointer");
        }
        return new WebServiceSettings(url, optionalText(n, "username", "webService.username"),
                secret(n, "password", previous == null ? null : previous.password()), template, pointer,
                optionalText(n, "successValue", "webService.successValue"),
                duration(n, "webService.timeout", "timeout", Duration.ofSeconds(5)),
                optionalText(n, "trustStorePath", "webService.trustStorePath"),
                secret(n, "trustStorePassword", previous == null ? null : previous.trustStorePassword()),
                bool(n, "caseSensitive", "webService.caseSensitive", true), claims, rolesPointer);
    }

    private static void jsonPointer(String text, String field) {
        try {
            WebServiceUserStore.pointer(field, text);
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException(field, "must be a JSON pointer (RFC 6901) starting with '/',"
                    + " e.g. /response/mail");
        }
    }

    @Override
    public ObjectNode write(WebServiceSettings w, BiFunction<String, String, String> secrets) {
        ObjectNode n = JSON.createObjectNode();
        n.put("url", w.url());
        putIfSet(n, "username", w.username());
        putSecret(n, "password", "webService.password", w.password(), secrets);
        putIfSet(n, "requestTemplate", w.requestTemplate());
        putIfSet(n, "responsePointer", w.responsePointer());
        putIfSet(n, "successValue", w.successValue());
        n.put("timeout", w.timeout().toString());
        putIfSet(n, "trustStorePath", w.trustStorePath());
        putSecret(n, "trustStorePassword", "webService.trustStorePassword", w.trustStorePassword(), secrets);
        n.put("caseSensitive", w.caseSensitive());
        n.set("claims", JSON.valueToTree(w.claims() == null ? Map.of() : w.claims()));
        putIfSet(n, "rolesPointer", w.rolesPointer());
        return n;
    }

    @Override
    public WebServiceSettings mapSecrets(WebServiceSettings w, BiFunction<String, String, String> f) {
        return new WebServiceSettings(w.url(), w.username(), apply(f, "webService.password", w.password()),
                w.requestTemplate(), w.responsePointer(), w.successValue(), w.timeout(), w.trustStorePath(),
                apply(f, "webService.trustStorePassword", w.trustStorePassword()), w.caseSensitive(), w.claims(),
                w.rolesPointer());
    }

    private static String apply(BiFunction<String, String, String> f, String field, String value) {
        return value == null ? null : f.apply(field, value);
    }

    @Override
    public ExternalUserStore create(String organization, WebServiceSettings settings) {
        return new WebServiceUserStore(organization, settings);
    }
}
