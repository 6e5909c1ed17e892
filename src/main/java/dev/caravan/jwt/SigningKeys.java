package dev.caravan.jwt;

import dev.caravan.registry.Db;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The RSA keys that sign access tokens and backend JWTs. Kept in the database so that every
 * gateway node and every restart signs and verifies with the same keys; on first start a
 * 2048-bit key is generated. The newest active key signs; all keys are published in the JWKS.
 */
@Component
public class SigningKeys {
    private final RsaJsonWebKey signingKey;
    private final List<JsonWebKey> verificationKeys;
    private final String jwksJson;
    private final ProviderContext signingContext;
    private final PrivateKey signingPrivateKey;

    /** Signing keys using the native signature provider where it loads (see {@link NativeCrypto}). */
    public SigningKeys(JdbcClient jdbc) throws Exception {
        this(jdbc, true);
    }

    @Autowired
    public SigningKeys(JdbcClient jdbc, @Value("${caravan.jwt.native-crypto:true}") boolean nativeCrypto) throws Exception {
        this.signingContext = NativeCrypto.signingContext(nativeCrypto);
        List<RsaJsonWebKey> keys = load(jdbc);
        if (keys.isEmpty()) {
            generate(jdbc);
            keys = load(jdbc);
        }
        this.signingKey = keys.get(0);
        this.signingPrivateKey = NativeCrypto.signingKey(signingContext, signingKey.getPrivateKey());
        List<JsonWebKey> publicKeys = new ArrayList<>();
        for (RsaJsonWebKey key : keys) {
            RsaJsonWebKey publicOnly = new RsaJsonWebKey((RSAPublicKey) key.getPublicKey());
            publicOnly.setKeyId(key.getKeyId());
            publicOnly.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            publicOnly.setUse("sig");
            publicKeys.add(publicOnly);
        }
        this.verificationKeys = List.copyOf(publicKeys);
        this.jwksJson = new JsonWebKeySet(publicKeys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    public RsaJsonWebKey signingKey() {
        return signingKey;
    }

    /**
     * {@code payload} signed RS256 with the newest key ({@code kid} set, {@code typ} = {@code type}),
     * in compact serialization, through the chosen provider.
     */
    public String sign(String payload, String type) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(signingPrivateKey);
        jws.setProviderContext(signingContext);
        jws.setKeyIdHeaderValue(signingKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", type);
        return jws.getCompactSerialization();
    }

    /** The provider the signatures go to (for benchmarks comparing with jose4j alone). */
    public ProviderContext signingContext() {
        return signingContext;
    }

    /** The signing key's private half, ready for {@link #signingContext()}'s provider. */
    public PrivateKey signingPrivateKey() {
        return signingPrivateKey;
    }

    public List<JsonWebKey> verificationKeys() {
        return verificationKeys;
    }

    /** The public JWKS document served at {@code /oauth2/jwks}. */
    public String jwksJson() {
        return jwksJson;
    }

    private static List<RsaJsonWebKey> load(JdbcClient jdbc) {
        return jdbc.sql("select kid, private_key, public_key from signing_key where active = ? order by created_at desc")
                .param(true)
                .query((rs, n) -> toJwk(rs.getString("kid"), rs.getString("private_key"), rs.getString("public_key")))
                .list();
    }

    private static RsaJsonWebKey toJwk(String kid, String privateKey, String publicKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            PublicKey pub = factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            PrivateKey priv = factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey)));
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pub);
            jwk.setPrivateKey(priv);
            jwk.setKeyId(kid);
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jwk;
        } catch (Exception e) {
            throw new IllegalStateException("signing key " + kid + " in the database cannot be read", e);
        }
    }

    private static void generate(JdbcClient jdbc) throws JoseException {
        RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
        String kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
        jdbc.sql("""
                insert into signing_key(kid, algorithm, private_key, public_key, active, created_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(kid, AlgorithmIdentifiers.RSA_USING_SHA256,
                        Base64.getEncoder().encodeToString(jwk.getPrivateKey().getEncoded()),
                        Base64.getEncoder().encodeToString(jwk.getPublicKey().getEncoded()),
                        true, Db.ts(Instant.now()))
                .update();
    }
}
