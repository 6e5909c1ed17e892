package dev.caravan.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final SecretBox box = new SecretBox(new SecretsProperties(KEY, "unused"));

    @Test
    void sealedValueOpensInItsOwnContextOnly() {
        String sealed = box.seal("bind-Secret", "acme/ldap.bindPassword");
        assertThat(sealed).startsWith("v1:").doesNotContain("bind-Secret");
        assertThat(box.open(sealed, "acme/ldap.bindPassword")).isEqualTo("bind-Secret");
        assertThatThrownBy(() -> box.open(sealed, "other/ldap.bindPassword")).hasMessageContaining("does not decrypt");
    }

    @Test
    void sameSecretSealsDifferentlyEachTime() {
        assertThat(box.seal("x", "c")).isNotEqualTo(box.seal("x", "c"));
    }

    @Test
    void alteredCiphertextIsRefused() {
        String sealed = box.seal("bind-Secret", "c");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String altered = "v1:" + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> box.open(altered, "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> box.open("plain-text", "c")).hasMessageContaining("v1");
    }

    @Test
    void anotherKeyCannotOpen() {
        String sealed = box.seal("bind-Secret", "c");
        byte[] other = new byte[32];
        other[0] = 1;
        SecretBox wrong = new SecretBox(new SecretsProperties(Base64.getEncoder().encodeToString(other), "unused"));
        assertThatThrownBy(() -> wrong.open(sealed, "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyFileIsMadeOnceWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/secret.key");
        SecretBox first = new SecretBox(new SecretsProperties("", file.toString()));
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String sealed = first.seal("s", "c");
        assertThat(new SecretBox(new SecretsProperties("", file.toString())).open(sealed, "c")).isEqualTo("s");
    }

    @Test
    void badKeyStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new SecretBox(new SecretsProperties("not base64 !!", "x")))
                .hasMessageContaining("caravan.secrets.key");
        assertThatThrownBy(() -> new SecretBox(new SecretsProperties(Base64.getEncoder().encodeToString(new byte[16]), "x")))
                .hasMessageContaining("32 bytes");
    }
}
