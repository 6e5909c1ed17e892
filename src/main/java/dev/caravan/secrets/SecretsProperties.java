package dev.caravan.secrets;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys that encrypt stored secrets (directory bind passwords, web-service credentials, the
 * token signing keys' private halves).
 *
 * @param key           the current key, base64 of 32 bytes (e.g. from an environment variable): seals and opens
 * @param keyFile       where the current key is read from when {@code key} is empty (32 raw bytes)
 * @param generateKeyFile whether a missing {@code keyFile} is made (a random key) on first start: the demo's
 *                      choice; otherwise a start without a key stops, since a key made by one node is
 *                      unknown to every other
 * @param previousKeys  earlier keys (base64 of 32 bytes each): they only open, never seal; a rotation adds the
 *                      new key here first, then makes it {@code key} and moves the old one here
 * @param resealOnStart whether a start re-seals with the current key every stored secret sealed with another
 *                      (off by default: a node still on the first step of a rotation, which knows the new key
 *                      as a previous one, would re-seal with the old key; turn it on with the step that makes
 *                      the new key current, or call {@code POST /api/v1/secrets/reseal} once every node has it)
 */
@ConfigurationProperties("caravan.secrets")
public record SecretsProperties(
        @DefaultValue("") String key,
        @DefaultValue("./data/secret.key") String keyFile,
        @DefaultValue("false") boolean generateKeyFile,
        @DefaultValue List<String> previousKeys,
        @DefaultValue("false") boolean resealOnStart) {

    @ConstructorBinding
    public SecretsProperties {
        previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
    }

    /** A current key only, no re-seal at start. */
    public SecretsProperties(String key, String keyFile) {
        this(key, keyFile, false, List.of(), false);
    }

    @Override
    public String toString() {
        return "SecretsProperties[key=" + (key == null || key.isEmpty() ? "<from file>" : "<set>")
                + ", keyFile=" + keyFile + ", generateKeyFile=" + generateKeyFile + ", previousKeys=<" + previousKeys.size() + " set>, resealOnStart="
                + resealOnStart + "]";
    }
}
