package dev.caravan.testsupport;

import java.security.Key;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Access tokens built by a test, not by the gateway's issuer: the same claims the gateway
 * issues, with one thing changed (signing key, algorithm, {@code typ}, issuer, audience,
 * lifetime, header parameters). Every one of them must be refused by the API gateway.
 */
public final class ForgedTokens {
    private ForgedTokens() {}

    /** The claims the gateway puts in an end user's access token. */
    public static JwtClaims endUserClaims(String issuer, String audience, String clientId, String organization,
                                          String username) {
        Instant now = Instant.now();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(username + "@" + organization);
        claims.setAudience(audience);
        claims.setClaim("client_id", clientId);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plusSeconds(600).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("scope", "default");
        claims.setClaim("org", organization);
        claims.setClaim("username", username);
        return claims;
    }

    /** A copy of {@code claims} with a change applied. */
    public static JwtClaims with(JwtClaims claims, Consumer<JwtClaims> change) {
        try {
            JwtClaims copy = JwtClaims.parse(claims.toJson());
            change.accept(copy);
            return copy;
        } catch (org.jose4j.jwt.consumer.InvalidJwtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh 2048-bit RSA key the gateway has never seen. */
    public static RsaJsonWebKey foreignKey() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("foreign-" + UUID.randomUUID());
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 with {@code key}, header {@code kid} and {@code typ} as given. */
    public static String rs256(JwtClaims claims, Key key, String kid, String typ) {
        return sign(claims, key, AlgorithmIdentifiers.RSA_USING_SHA256, kid, typ, jws -> { });
    }

    /** HS256 keyed with {@code secret}: the classic RSA/HMAC confusion when the secret is the public key. */
    public static String hs256(JwtClaims claims, byte[] secret, String kid, String typ) {
        return sign(claims, new HmacKey(secret), AlgorithmIdentifiers.HMAC_SHA256, kid, typ, jws -> { });
    }

    /** {@code alg: none}, no signature. */
    public static String unsigned(JwtClaims claims, String kid, String typ) {
        return sign(claims, null, AlgorithmIdentifiers.NONE, kid, typ, jws -> { });
    }

    public static String sign(JwtClaims claims, Key key, String alg, String kid, String typ,
                              Consumer<JsonWebSignature> headers) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setAlgorithmHeaderValue(alg);
        jws.setDoKeyValidation(false);
        if (key != null) {
            jws.setKey(key);
        }
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        if (typ != null) {
            jws.setHeader("typ", typ);
        }
        headers.accept(jws);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
