package dev.caravan.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.testsupport.MediatorRig;
import org.junit.jupiter.api.Test;

/** A token cut out of its header finds its cached claims; the cache key hashes the token's end and compares all of it. */
class AccessTokensCacheKeyTest {
    private final MediatorRig rig = new MediatorRig();
    private final MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");

    @Test
    void aTokenInsideAHeaderIsTheSameTokenAsOnItsOwn() throws Exception {
        String token = rig.endUserToken(world);
        String header = "Bearer  " + token + " ";

        AccessTokenClaims alone = rig.accessTokens.validate(token);
        AccessTokenClaims inside = rig.accessTokens.validate(header.substring(7).trim());

        assertThat(inside).as("the cached claims of the same token").isSameAs(alone);
    }

    @Test
    void keysAreEqualOnlyForTheSameCharacters() {
        String token = rig.endUserToken(world);
        AccessTokens.TokenKey alone = new AccessTokens.TokenKey(token);
        AccessTokens.TokenKey copy = new AccessTokens.TokenKey(("Bearer " + token).substring(7));
        assertThat(copy).isEqualTo(alone).hasSameHashCodeAs(alone);

        // the same last characters (so the same hash), a different first one: a different token
        String changedStart = (token.charAt(0) == 'e' ? 'f' : 'e') + token.substring(1);
        AccessTokens.TokenKey other = new AccessTokens.TokenKey(changedStart);
        assertThat(other.hashCode()).isEqualTo(alone.hashCode());
        assertThat(other).isNotEqualTo(alone);
        assertThat(new AccessTokens.TokenKey(token.substring(0, token.length() - 1))).isNotEqualTo(alone);
    }

    @Test
    void aTamperedTokenInsideAHeaderIsRefusedAlthoughItsValidTwinIsCached() throws Exception {
        String token = rig.endUserToken(world);
        rig.accessTokens.validate(token);
        // change one character in the payload: same length, same signature characters at the end
        int dot = token.indexOf('.') + 5;
        String tampered = token.substring(0, dot) + (token.charAt(dot) == 'A' ? 'B' : 'A') + token.substring(dot + 1);
        String header = "Bearer " + tampered;

        assertThatThrownBy(() -> rig.accessTokens.validate(header.substring(7)))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void emptyOrOversizeIsMalformed() {
        assertThatThrownBy(() -> rig.accessTokens.validate("")).isInstanceOf(InvalidTokenException.class)
                .hasMessage("malformed token");
        String huge = "a".repeat(8193);
        assertThatThrownBy(() -> rig.accessTokens.validate(huge))
                .isInstanceOf(InvalidTokenException.class).hasMessage("malformed token");
    }
}
