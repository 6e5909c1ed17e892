package dev.caravan.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final SecretBox box = new SecretBox(new SecretsProperties(KEY, "unused"));

    @Test
    void sealedValueOpensInItsOwnContextOnly() {
        String sealed = box.seal("bind-Secret", "acme/ldap.bindPassword");
        assertThat(sealed).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain("bind-Secret");
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
        String prefix = "v2:" + box.currentKeyId() + ":";
        byte[] raw = Base64.getDecoder().decode(sealed.substring(prefix.length()));
        raw[raw.length - 1] ^= 1;
        String altered = prefix + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> box.open(altered, "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> box.open("plain-text", "c")).hasMessageContaining("v2");
    }

    @Test
    void anotherKeyCannotOpen() {
        String sealed = box.seal("bind-Secret", "c");
        byte[] other = new byte[32];
        other[0] = 1;
        SecretBox wrong = new SecretBox(new SecretsProperties(Base64.getEncoder().encodeToString(other), "unused"));
        assertThatThrownBy(() -> wrong.open(sealed, "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(box.currentKeyId()).hasMessageContaining("caravan.secrets.previous-keys");
    }

    @Test
    void withoutAKeyOrAKeyFileTheStartStopsAndNamesTheSetting(@TempDir Path dir) {
        Path file = dir.resolve("secret.key");

        assertThatThrownBy(() -> new SecretBox(new SecretsProperties("", file.toString())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("caravan.secrets.key is required");
        assertThat(file).doesNotExist();
    }

    @Test
    void keyFileIsMadeOnceWithOwnerOnlyPermissionsWhenGeneratingIsOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/secret.key");
        SecretBox first = new SecretBox(new SecretsProperties("", file.toString(), true, List.of(), false));
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String sealed = first.seal("s", "c");
        assertThat(new SecretBox(new SecretsProperties("", file.toString())).open(sealed, "c")).isEqualTo("s");
    }

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        bytes[31] = (byte) (seed * 7);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static SecretBox box(String current, String... previous) {
        return new SecretBox(new SecretsProperties(current, "unused", false, List.of(previous), true));
    }

    @Test
    void theStoredFormNamesTheKeyThatSealedItByAShortIdDerivedFromTheKey() {
        SecretBox one = box(key(1));
        SecretBox two = box(key(2));
        assertThat(one.currentKeyId()).hasSize(8).isNotEqualTo(two.currentKeyId())
                .isEqualTo(box(key(1), key(2)).currentKeyId());
        assertThat(SecretBox.keyIdOf(one.seal("s", "c"))).isEqualTo(one.currentKeyId());
    }

    @Test
    void previousKeysOpenButNeverSeal() {
        String sealedByOld = box(key(1)).seal("bind-Secret", "c");
        SecretBox rotated = box(key(2), key(1));

        assertThat(rotated.open(sealedByOld, "c")).isEqualTo("bind-Secret");
        assertThat(SecretBox.keyIdOf(rotated.seal("x", "c"))).isEqualTo(rotated.currentKeyId());
        assertThat(rotated.previousKeyIds()).containsExactly(box(key(1)).currentKeyId());
    }

    @Test
    void resealTurnsAValueOfAnotherKeyIntoOneOfTheCurrentKeyAndLeavesACurrentOneAlone() {
        SecretBox old = box(key(1));
        String sealedByOld = old.seal("bind-Secret", "acme/ldap.bindPassword");
        SecretBox rotated = box(key(2), key(1));

        String resealed = rotated.reseal(sealedByOld, "acme/ldap.bindPassword");

        assertThat(rotated.isCurrent(resealed)).isTrue();
        assertThat(rotated.reseal(resealed, "acme/ldap.bindPassword")).isSameAs(resealed);
        assertThat(box(key(2)).open(resealed, "acme/ldap.bindPassword")).isEqualTo("bind-Secret");
        assertThatThrownBy(() -> old.open(resealed, "acme/ldap.bindPassword"))
                .hasMessageContaining(rotated.currentKeyId());
    }

    @Test
    void valuesOfTheEarlierFormWithoutKeyIdStillOpenAndResealIntoTheCurrentForm() throws Exception {
        // v1:<base64(nonce | ciphertext)>, AES-256-GCM with the context as associated data, as stored before key ids
        byte[] keyBytes = Base64.getDecoder().decode(key(1));
        byte[] nonce = new byte[12];
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(keyBytes, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD("c".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal("old-Secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String v1 = "v1:" + Base64.getEncoder().encodeToString(
                java.nio.ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array());

        assertThat(SecretBox.keyIdOf(v1)).isEqualTo(SecretBox.LEGACY);
        assertThat(box(key(1)).open(v1, "c")).isEqualTo("old-Secret");
        SecretBox rotated = box(key(2), key(1));
        assertThat(rotated.open(v1, "c")).isEqualTo("old-Secret");
        assertThat(rotated.reseal(v1, "c")).startsWith("v2:" + rotated.currentKeyId() + ":");
        assertThatThrownBy(() -> box(key(3)).open(v1, "c")).isInstanceOf(IllegalStateException.class);
    }

    /**
     * The rolling procedure, each step while nodes still run the previous step's configuration:
     * (1) the new key is added as a previous key everywhere, (2) it becomes the current key, the
     * old one previous, (3) stored values are re-sealed, (4) the old key is dropped.
     */
    @Test
    void everyStepOfTheRollingProcedureWorksBesideNodesOfThePreviousStep() {
        String k1 = key(1);
        String k2 = key(2);
        SecretBox step0 = box(k1);
        SecretBox step1 = box(k1, k2);
        SecretBox step2 = box(k2, k1);
        SecretBox step4 = box(k2);

        String byStep0 = step0.seal("a", "c");
        String byStep1 = step1.seal("b", "c");
        // step 1 beside step 0: both seal with k1, both open what the other sealed
        assertThat(step0.open(byStep1, "c")).isEqualTo("b");
        assertThat(step1.open(byStep0, "c")).isEqualTo("a");
        // step 2 beside step 1: a step-2 node seals with k2, which step-1 nodes already open, and the other way round
        String byStep2 = step2.seal("c2", "c");
        assertThat(step1.open(byStep2, "c")).isEqualTo("c2");
        assertThat(step2.open(byStep1, "c")).isEqualTo("b");
        assertThatThrownBy(() -> step0.open(byStep2, "c")).as("why step 1 must be everywhere first")
                .isInstanceOf(IllegalStateException.class);
        // step 3: re-sealed values open on step-2 nodes and, after step 4, without k1
        String resealed = step2.reseal(byStep0, "c");
        assertThat(step2.open(resealed, "c")).isEqualTo("a");
        assertThat(step4.open(resealed, "c")).isEqualTo("a");
        assertThat(step4.open(byStep2, "c")).isEqualTo("c2");
        assertThatThrownBy(() -> step4.open(byStep0, "c")).as("why step 3 must finish before step 4")
                .hasMessageContaining(step0.currentKeyId());
    }

    @Test
    void badKeyStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new SecretBox(new SecretsProperties("not base64 !!", "x")))
                .hasMessageContaining("caravan.secrets.key");
        assertThatThrownBy(() -> new SecretBox(new SecretsProperties(Base64.getEncoder().encodeToString(new byte[16]), "x")))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> box(KEY, "not base64 !!")).hasMessageContaining("caravan.secrets.previous-keys[0]");
    }
}
