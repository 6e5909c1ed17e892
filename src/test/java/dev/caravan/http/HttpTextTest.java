package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "a\tb", "caf\u00e9", "\u20ac (written as '?')", "x=\"1\"; y"})
    void fieldValuesMayHoldTabsAndAnythingPrintable(String value) {
        assertThat(HttpText.isFieldValue(value)).isTrue();
        assertThat(HttpText.isFieldValue(new AsciiString(value))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\u0000b", "a\u0001", "\u001fa", "a\u007fb", "\u000b"})
    void fieldValuesHoldNoOtherControlCharacterAndNoDelete(String value) {
        assertThat(HttpText.isFieldValue(value)).isFalse();
        assertThat(HttpText.isFieldValue(new AsciiString(value))).isFalse();
    }

    /** The eight-bytes-at-a-time scan against the rule byte by byte: every byte value, in every position. */
    @Test
    void theWordScanFindsEveryForbiddenByteWhereverItIs() {
        for (int b = 0; b < 256; b++) {
            boolean allowed = (b >= 0x20 || b == '\t') && b != 0x7F;
            for (int position = 0; position < 29; position++) {
                byte[] bytes = new byte[40];
                Arrays.fill(bytes, (byte) 'x');
                bytes[3 + position] = (byte) b;
                // from offset 3, 29 bytes: three words and a tail of five, none aligned
                assertThat(HttpText.isFieldValue(new AsciiString(bytes, 3, 29, false)))
                        .as("byte 0x%02x at %d", b, position).isEqualTo(allowed);
            }
        }
    }

    @Test
    void theWordScanAgreesWithTheRuleOnRandomText() {
        Random random = new Random(20261130);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(70)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly printable, sometimes a tab, a control, DEL or a high byte
                int pick = random.nextInt(100);
                bytes[i] = (byte) (pick < 94 ? 0x21 + random.nextInt(94) : pick < 96 ? '\t' : random.nextInt(256));
            }
            boolean expected = true;
            for (byte b : bytes) {
                int u = b & 0xFF;
                expected &= (u >= 0x20 || u == '\t') && u != 0x7F;
            }
            assertThat(HttpText.isFieldValue(new AsciiString(bytes, false))).isEqualTo(expected);
        }
    }
}
