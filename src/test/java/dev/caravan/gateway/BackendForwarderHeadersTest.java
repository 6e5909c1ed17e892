package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code forward-backend} accepts as a header for the backend, for short and long values. */
class BackendForwarderHeadersTest {
    private final List<CharSequence> headers = new ArrayList<>();

    @Test
    void aShortValueIsKeptAsGiven() {
        BackendForwarder.add(headers, "X-Short", "plain value");

        assertThat(headers).containsExactly("X-Short", "plain value");
        assertThat(headers.get(1)).isInstanceOf(String.class);
    }

    @Test
    void aLongValueBecomesTheBytesTheEncoderWouldHaveWritten() {
        String token = "Bearer " + "abc.DEF-_~+/=".repeat(80) + "\u00e9\u20ac";

        BackendForwarder.add(headers, "Authorization", token);

        assertThat(headers.get(1)).isInstanceOf(AsciiString.class);
        byte[] bytes = ((AsciiString) headers.get(1)).toByteArray();
        assertThat(bytes).hasSize(token.length());
        // Latin-1 characters as their byte, anything above U+00FF as '?', like Netty's header encoder
        assertThat(bytes[bytes.length - 2]).isEqualTo((byte) 0xE9);
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '?');
        assertThat(headers.get(1).toString()).startsWith("Bearer abc.DEF");
    }

    @Test
    void controlCharactersAreRefusedInShortAndLongValues() {
        String longPart = "y".repeat(300);
        for (String value : List.of("a\r\nInjected: 1", "a\nb", "a\u0000b", "a\u0001b", "a\u007f",
                longPart + "\r\nInjected: 1", longPart + "\n", longPart + "\u0000", longPart + "\u001b",
                "\r" + longPart, longPart.substring(0, 100) + "\u007f" + longPart)) {
            assertThatThrownBy(() -> BackendForwarder.add(headers, "X-Value", value))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.getMessage()).contains("control character");
                    });
        }
        assertThat(headers).isEmpty();
    }

    @Test
    void tabsAreAllowedInShortAndLongValues() {
        BackendForwarder.add(headers, "X-Short", "a\tb");
        BackendForwarder.add(headers, "X-Long", "a\tb".repeat(40));

        assertThat(headers).hasSize(4);
    }

    @Test
    void aNameThatIsNotATokenIsRefused() {
        assertThatThrownBy(() -> BackendForwarder.add(headers, "Bad Name", "v"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("invalid name");
    }
}
