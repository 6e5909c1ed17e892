package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"X-Api-Key", "Authorization", "a", "!#$%&'*+-.^_`|~09azAZ"})
    void tokensAreTcharOnly(String name) {
        assertThat(HttpText.isToken(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Api", "X:Api", "X-Api\r", "Ümlaut", "a(b)", "a/b", "a\"b", "a{b}"})
    void separatorsSpacesControlsAndNonAsciiAreNotTokens(String name) {
        assertThat(HttpText.isToken(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\u0000b", "a\u007fb", "a\u0085b", "\t"})
    void controlCharactersAreFound(String text) {
        assertThat(HttpText.hasControl(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain text", "Ümlaut é", "value; q=0.5"})
    void printableTextHasNoControl(String text) {
        assertThat(HttpText.hasControl(text)).isFalse();
    }
}
