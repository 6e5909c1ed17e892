package dev.caravan.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random secrets, their SHA-256 digests and the constant-time comparison. */
class SecretsTest {

    @Test
    void sha256HexThenLowercaseHexOfTheUtf8Bytes() {
        assertThat(Secrets.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.sha256Hex(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Secrets.sha256Hex("\u00e9")).isEqualTo(Secrets.sha256Hex(new String(new char[] {'\u00e9'})))
                .isNotEqualTo(Secrets.sha256Hex("e"));
    }

    @Test
    void matchesSha256WhenSameSecretThenTrue() {
        String secret = Secrets.random(32);
        assertThat(Secrets.matchesSha256(secret, Secrets.sha256Hex(secret))).isTrue();
    }

    @Test
    void matchesSha256WhenOtherSecretThenFalse() {
        String secret = Secrets.random(32);
        String stored = Secrets.sha256Hex(secret);
        assertThat(Secrets.matchesSha256(Secrets.random(32), stored)).isFalse();
        assertThat(Secrets.matchesSha256(secret + "x", stored)).isFalse();
        assertThat(Secrets.matchesSha256(secret.substring(1), stored)).isFalse();
        assertThat(Secrets.matchesSha256("", stored)).isFalse();
        assertThat(Secrets.matchesSha256(null, stored)).isFalse();
    }

    @Test
    void matchesSha256WhenStoredHashMissingOrMalformedThenFalse() {
        String secret = Secrets.random(32);
        assertThat(Secrets.matchesSha256(secret, null)).isFalse();
        assertThat(Secrets.matchesSha256(secret, "")).isFalse();
        assertThat(Secrets.matchesSha256(secret, Secrets.sha256Hex(secret).substring(1))).isFalse();
        assertThat(Secrets.matchesSha256("", null)).isFalse();
        assertThat(Secrets.matchesSha256(null, null)).isFalse();
    }

    @Test
    void matchesSha256WhenPresentedValueIsTheStoredHashThenFalse() {
        String stored = Secrets.sha256Hex(Secrets.random(32));
        assertThat(Secrets.matchesSha256(stored, stored)).isFalse();
    }

    @Test
    void randomThenUrlSafeWithoutPaddingAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String value = Secrets.random(32);
            assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(seen.add(value)).as("random values repeat").isTrue();
        }
        assertThat(Secrets.random(16)).hasSize(22);
    }
}
