package dev.caravan.userstore.webservice;

import java.util.Map;

/** {@code caravan.userstores.<organization>.web-service.*}: the fields of {@link WebServiceKind}'s settings as properties bind. */
public record WebServiceProperties(String url, String username, String password, String requestTemplate,
                                   String responsePointer, String successValue, String timeout, String trustStorePath,
                                   String trustStorePassword, Boolean caseSensitive, Map<String, String> claims,
                                   String rolesPointer) {
    @Override
    public String toString() {
        return "WebServiceProperties[url=" + url + ", username=" + username + "]";
    }
}
