package dev.caravan.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scope syntax (RFC 6749 §3.3) and refresh narrowing (§6). */
class ScopesTest {

    private static void assertInvalidScope(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo("invalid_scope");
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.description()).isNotBlank();
        });
    }

    @Test
    void requestedWhenAbsentThenDefault() {
        assertThat(Scopes.requested(null)).isEqualTo(Scopes.DEFAULT).isEqualTo("default");
    }

    @Test
    void requestedWhenSpaceSeparatedThenKeptInOrder() {
        assertThat(Scopes.requested("write read")).isEqualTo("write read");
    }

    @Test
    void requestedWhenRepeatedOrExtraSpacesThenNormalised() {
        assertThat(Scopes.requested("  read   write read ")).isEqualTo("read write");
    }

    @Test
    void requestedWhenEveryAllowedCharacterThenAccepted() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x21; c <= 0x7E; c++) {
            if (c != '"' && c != '\\') {
                all.append(c);
            }
        }
        assertThat(Scopes.requested(all.toString())).isEqualTo(all.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"read \"write\"", "read\\write", "caf\u00e9", "read\twrite", "read\nwrite", "a\u007fb",
            "a\u0000b", "\u00a0"})
    void requestedWhenForbiddenCharacterThenInvalidScope(String scope) {
        assertInvalidScope(() -> Scopes.requested(scope));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "    "})
    void requestedWhenNoScopeTokenThenInvalidScope(String scope) {
        assertInvalidScope(() -> Scopes.requested(scope));
    }

    @Test
    void requestedWhenLongerThan1000ThenInvalidScope() {
        assertThat(Scopes.requested("a".repeat(1000))).hasSize(1000);
        assertInvalidScope(() -> Scopes.requested("a".repeat(1001)));
    }

    @Test
    void narrowedWhenNotRequestedThenOriginal() {
        assertThat(Scopes.narrowed(null, "read write")).isEqualTo("read write");
    }

    @Test
    void narrowedWhenSubsetThenSubset() {
        assertThat(Scopes.narrowed("read", "read write")).isEqualTo("read");
        assertThat(Scopes.narrowed("write read", "read write")).isEqualTo("write read");
        assertThat(Scopes.narrowed("read read", "read write")).isEqualTo("read");
    }

    @Test
    void narrowedWhenWiderThenInvalidScope() {
        assertInvalidScope(() -> Scopes.narrowed("read write admin", "read write"));
        assertInvalidScope(() -> Scopes.narrowed("admin", "read write"));
        assertInvalidScope(() -> Scopes.narrowed("rea", "read"));
    }

    @Test
    void narrowedWhenMalformedThenInvalidScope() {
        assertInvalidScope(() -> Scopes.narrowed("read\"", "read"));
        assertInvalidScope(() -> Scopes.narrowed("  ", "read"));
    }

    @Test
    void splitThenScopeTokensWithoutEmptyOnes() {
        assertThat(Scopes.split(" read  write ")).containsExactly("read", "write");
        assertThat(Scopes.split("")).isEmpty();
    }
}
