package dev.caravan.userstore.webservice;

import java.time.Duration;
import java.util.Map;

/**
 * How to ask one organization's authentication web service whether a username and password
 * are valid.
 *
 * @param url              the service URL ({@code https://} or {@code http://}); POSTed to
 * @param username         basic-auth user of the gateway at the service (null: no basic auth)
 * @param password         its password (a secret: write-only in the admin API)
 * @param requestTemplate  JSON body with {@code {username}} and {@code {password}} placeholders,
 *                         substituted as JSON-escaped strings; default
 *                         {@code {"credentials":{"username":"{username}","password":"{password}"}}}
 * @param responsePointer  RFC 6901 JSON pointer to the verdict in the answer; default {@code /response/status}
 * @param successValue     the verdict meaning "valid" (compared as text: {@code "true"} and {@code true} both match);
 *                         default {@code true}
 * @param timeout          connect + response timeout
 * @param trustStorePath   trust store for https (null: the JVM's default trust)
 * @param trustStorePassword its password (a secret)
 * @param caseSensitive    whether the service tells {@code Ada} from {@code ada} (true, the default:
 *                         Caravan cannot know, and taking two people for one is worse than one
 *                         person for two); false names the users in lower case
 * @param claims           backend-JWT claim name to RFC 6901 JSON pointer into an accepting answer,
 *                         e.g. {@code email -> /response/mail}; a pointer to nothing gives no claim,
 *                         one to an object or array makes the login unavailable (misconfigured)
 * @param rolesPointer     null, or the JSON pointer to the user's roles in an accepting answer:
 *                         an array of strings, or one string (one role, commas and all)
 */
public record WebServiceSettings(
        String url,
        String username,
        String password,
        String requestTemplate,
        String responsePointer,
        String successValue,
        Duration timeout,
        String trustStorePath,
        String trustStorePassword,
        boolean caseSensitive,
        Map<String, String> claims,
        String rolesPointer) {

    /** No claims or roles from the answer. */
    public WebServiceSettings(String url, String username, String password, String requestTemplate,
                              String responsePointer, String successValue, Duration timeout, String trustStorePath,
                              String trustStorePassword, boolean caseSensitive) {
        this(url, username, password, requestTemplate, responsePointer, successValue, timeout, trustStorePath,
                trustStorePassword, caseSensitive, Map.of(), null);
    }

    /** These settings with claims and roles read from the answer. */
    public WebServiceSettings withMapping(Map<String, String> claims, String rolesPointer) {
        return new WebServiceSettings(url, username, password, requestTemplate, responsePointer, successValue,
                timeout, trustStorePath, trustStorePassword, caseSensitive, claims, rolesPointer);
    }

    /** Case-sensitive. */
    public WebServiceSettings(String url, String username, String password, String requestTemplate,
                              String responsePointer, String successValue, Duration timeout, String trustStorePath,
                              String trustStorePassword) {
        this(url, username, password, requestTemplate, responsePointer, successValue, timeout, trustStorePath,
                trustStorePassword, true);
    }

    public static final String DEFAULT_REQUEST_TEMPLATE =
            "{\"credentials\":{\"username\":\"{username}\",\"password\":\"{password}\"}}";
    public static final String DEFAULT_RESPONSE_POINTER = "/response/status";
    public static final String DEFAULT_SUCCESS_VALUE = "true";

    @Override
    public String toString() {
        return "WebServiceSettings[url=" + url + ", username=" + username
                + ", password=" + (password == null ? "<none>" : "<redacted>")
                + ", requestTemplate=" + requestTemplate + ", responsePointer=" + responsePointer
                + ", successValue=" + successValue + ", timeout=" + timeout + ", caseSensitive=" + caseSensitive
                + ", claims=" + claims + ", rolesPointer=" + rolesPointer + "]";
    }
}
