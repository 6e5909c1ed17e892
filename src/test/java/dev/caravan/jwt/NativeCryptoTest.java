package dev.caravan.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/** RS256 through the native provider: same signature bytes as the JDK's, and it is really used here. */
class NativeCryptoTest {
    private static final RsaJsonWebKey KEY = generate();

    private static RsaJsonWebKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-key");
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(ProviderContext context, String payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(NativeCrypto.signingKey(context, KEY.getPrivateKey()));
        jws.setKeyIdHeaderValue(KEY.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setProviderContext(context);
        return jws.getCompactSerialization();
    }

    @Test
    void theNativeProviderSignsOnLinuxX86() {
        // the machines this project builds, tests and benchmarks on (CI included) are Linux x86-64
        boolean linuxX86 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        String provider = NativeCrypto.signingContext(true).getSuppliedKeyProviderContext().getSignatureProvider();

        assertThat(provider).isEqualTo(linuxX86 ? "AmazonCorrettoCryptoProvider" : null);
    }

    @Test
    void turnedOffItLeavesSignaturesToTheJdk() {
        ProviderContext off = NativeCrypto.signingContext(false);
        assertThat(off.getSuppliedKeyProviderContext().getSignatureProvider()).isNull();
        assertThat(NativeCrypto.signingKey(off, KEY.getPrivateKey())).isSameAs(KEY.getPrivateKey());
    }

    @Test
    void nativeAndJdkSignaturesAreTheSameBytesAndVerify() throws Exception {
        String payload = "{\"sub\":\"jane@acme\",\"jti\":\"a-token\",\"exp\":2000000000}";

        String nativeJwt = sign(NativeCrypto.signingContext(true), payload);
        String jdkJwt = sign(new ProviderContext(), payload);

        assertThat(nativeJwt).isEqualTo(jdkJwt);
        JsonWebSignature verifier = new JsonWebSignature();
        verifier.setCompactSerialization(nativeJwt);
        verifier.setKey(KEY.getPublicKey());
        assertThat(verifier.verifySignature()).isTrue();
        assertThat(verifier.getPayload()).isEqualTo(payload);

        JsonWebSignature tampered = new JsonWebSignature();
        tampered.setCompactSerialization(nativeJwt.substring(0, nativeJwt.lastIndexOf('.') + 1)
                + sign(NativeCrypto.signingContext(true), payload.replace("jane", "john"))
                .substring(nativeJwt.lastIndexOf('.') + 1));
        tampered.setKey(KEY.getPublicKey());
        assertThat(tampered.verifySignature()).isFalse();
    }
}
