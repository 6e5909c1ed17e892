package dev.caravan.secrets;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the key that encrypts stored secrets (directory bind passwords, web-service
 * credentials) comes from: {@code caravan.secrets.key} (base64 of 32 bytes, e.g. from an
 * environment variable) or else the file {@code caravan.secrets.key-file}, made on first start.
 */
@ConfigurationProperties("caravan.secrets")
public record SecretsProperties(
        @DefaultValue("") String key,
        @DefaultValue("./data/secret.key") String keyFile) {

    @Override
    public String toString() {
        return "SecretsProperties[key=" + (key == null || key.isEmpty() ? "<from file>" : "<set>")
                + ", keyFile=" + keyFile + "]";
    }
}
