package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

    private static String header(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wellFormedHeaderThenUserAndPasswordSplitOnFirstColon() {
        BasicCredentials credentials = BasicCredentials.parse(header("jane@example.com@acme:pa:ss%20word+"));
        assertThat(credentials.username()).isEqualTo("jane@example.com@acme");
        assertThat(credentials.password()).isEqualTo("pa:ss%20word+");
    }

    @Test
    void schemeIsCaseInsensitiveAndUtf8IsDecoded() {
        String value = Base64.getEncoder().encodeToString("jürgen@org:pässwört".getBytes(StandardCharsets.UTF_8));
        BasicCredentials credentials = BasicCredentials.parse("bAsIc " + value);
        assertThat(credentials.username()).isEqualTo("jürgen@org");
        assertThat(credentials.password()).isEqualTo("pässwört");
    }

    @Test
    void malformedHeadersThenNull() {
        assertThat(BasicCredentials.parse(null)).isNull();
        assertThat(BasicCredentials.parse("Bearer abc")).isNull();
        assertThat(BasicCredentials.parse("Basic")).isNull();
        assertThat(BasicCredentials.parse("Basic %%%")).isNull();
        assertThat(BasicCredentials.parse(header("no-colon"))).isNull();
        assertThat(BasicCredentials.parse(header(":password-without-user"))).isNull();
        assertThat(BasicCredentials.parse(header("user-without-password:"))).isNull();
        assertThat(BasicCredentials.parse(header("bad\nuser:password"))).isNull();
        assertThat(BasicCredentials.parse("Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'x'})))
                .isNull();
    }

    @Test
    void overlongCredentialsThenNullBeforeAnyHashing() {
        assertThat(BasicCredentials.parse(header("u".repeat(401) + ":password"))).isNull();
        assertThat(BasicCredentials.parse(header("user:" + "p".repeat(1025)))).isNull();
        assertThat(BasicCredentials.parse(header("user:" + "p".repeat(1024)))).isNotNull();
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(BasicCredentials.parse(header("user:Secret-value-1")).toString()).doesNotContain("Secret-value-1");
    }
}
