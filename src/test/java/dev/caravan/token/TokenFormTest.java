package dev.caravan.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict parsing of the token endpoint's form body (RFC 6749 §3.1, §3.2, Appendix B). */
class TokenFormTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private static TokenForm parse(String body) {
        return TokenForm.parse(FORM, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertInvalidRequest(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo("invalid_request");
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.description()).isNotBlank();
        });
    }

    @Test
    void parseWhenWellFormedThenDecodesNamesAndValues() {
        TokenForm form = parse("grant_type=password&user%6Eame=jane%40my_company&password=a+b%20c%2Bd%26e%3Df");
        assertThat(form.required("grant_type")).isEqualTo("password");
        assertThat(form.required("username")).isEqualTo("jane@my_company");
        assertThat(form.required("password")).isEqualTo("a b c+d&e=f");
    }

    @Test
    void parseWhenUtf8EscapesThenDecodesCharacters() {
        assertThat(parse("name=caf%C3%A9%E2%82%AC%F0%9F%98%80").required("name")).isEqualTo("caf\u00e9\u20ac\uD83D\uDE00");
    }

    @Test
    void parseWhenRawUtf8BodyThenDecodesCharacters() {
        assertThat(parse("name=caf\u00e9").required("name")).isEqualTo("caf\u00e9");
    }

    @Test
    void parseWhenValueContainsEqualsSignThenKeepsRest() {
        assertThat(parse("a=b=c").required("a")).isEqualTo("b=c");
    }

    @Test
    void parseWhenParameterAbsentThenOptionalIsNullAndRequiredIsInvalidRequest() {
        TokenForm form = parse("a=1");
        assertThat(form.has("b")).isFalse();
        assertThat(form.optional("b")).isNull();
        assertInvalidRequest(() -> form.required("b"));
    }

    @Test
    void parseWhenValueEmptyThenParameterCountsAsOmitted() {
        TokenForm form = parse("a=&b&c=1");
        assertThat(form.has("a")).isFalse();
        assertThat(form.optional("a")).isNull();
        assertThat(form.has("b")).isFalse();
        assertThat(form.required("c")).isEqualTo("1");
        assertInvalidRequest(() -> form.required("a"));
        assertInvalidRequest(() -> form.required("b"));
    }

    @Test
    void parseWhenEmptyPairsThenIgnored() {
        TokenForm form = parse("&&a=1&&b=2&");
        assertThat(form.required("a")).isEqualTo("1");
        assertThat(form.required("b")).isEqualTo("2");
    }

    @Test
    void parseWhenBodyEmptyThenNoParameters() {
        TokenForm form = TokenForm.parse(FORM, new byte[0]);
        assertThat(form.has("grant_type")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=1&a=1", "a=1&a=2", "a=&a=2", "a&a=1", "a=1&%61=2", "a=1&b=2&a=3"})
    void parseWhenParameterRepeatedThenInvalidRequest(String body) {
        assertInvalidRequest(() -> parse(body));
    }

    @Test
    void parseWhenParameterRepeatedThenDescriptionNamesItButNeverItsValue() {
        assertThatThrownBy(() -> parse("password=first-Secret&password=second-Secret"))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.description())
                        .contains("password").doesNotContain("first-Secret").doesNotContain("second-Secret"));
    }

    @Test
    void parseWhenRepeatedNameUnprintableThenDescriptionDoesNotEchoIt() {
        assertThatThrownBy(() -> parse("a%0Ab=1&a%0Ab=2"))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.description()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "a=%", "a=%2", "a=b%", "a=%G0", "%zz=1", "a=%-1", "a=%+1"})
    void parseWhenPercentEscapeMalformedThenInvalidRequest(String body) {
        assertInvalidRequest(() -> parse(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%FF", "a=%C3", "a=%C3%28", "a=%80", "a=%ED%A0%80", "a=%C0%AF", "%FF=1"})
    void parseWhenPercentEscapesAreNotUtf8ThenInvalidRequest(String body) {
        assertInvalidRequest(() -> parse(body));
    }

    @Test
    void parseWhenDifferentInvalidBytesThenTheyNeverDecodeToTheSameValue() {
        // both would become U+FFFD with a lenient decoder: two passwords that log in as one
        assertInvalidRequest(() -> parse("password=%FE"));
        assertInvalidRequest(() -> parse("password=%FF"));
    }

    @Test
    void parseWhenRawBodyIsNotUtf8ThenInvalidRequest() {
        byte[] latin1 = "a=caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        assertInvalidRequest(() -> TokenForm.parse(FORM, latin1));
        assertInvalidRequest(() -> TokenForm.parse(FORM, new byte[] {'a', '=', (byte) 0xC3, (byte) 0x28}));
    }

    @Test
    void parseWhenContentTypeMissingThenInvalidRequest() {
        assertInvalidRequest(() -> TokenForm.parse(null, "a=1".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "multipart/form-data; boundary=x", "",
            "application/x-www-form-urlencodedx", "application/x-www-form-urlencoded-json",
            "application/x-www-form"})
    void parseWhenContentTypeIsNotFormThenInvalidRequest(String contentType) {
        assertInvalidRequest(() -> TokenForm.parse(contentType, "a=1".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded",
            "application/x-www-form-urlencoded; charset=UTF-8", "application/x-www-form-urlencoded;charset=utf-8",
            " application/x-www-form-urlencoded "})
    void parseWhenContentTypeIsFormThenAccepted(String contentType) {
        assertThat(TokenForm.parse(contentType, "a=1".getBytes(StandardCharsets.UTF_8)).required("a"))
                .isEqualTo("1");
    }
}
