package dev.caravan.userstore.webservice;

import java.time.Duration;

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
        boolean caseSensitive) {

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
                + ", successValue=" + successValue + ", timeout=" + timeout + ", caseSensitive=" + caseSensitive + "]";
    }
}
