package dev.caravan.testsupport;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies a backend JWT the way a backend would: with Nimbus JOSE (not jose4j, which signed
 * it), RS256 only, against the key set the gateway publishes at {@code GET /oauth2/jwks}.
 */
public final class BackendJwtVerifier {
    public static final String DIALECT = "http://wso2.org/claims/";

    private final JWKSet jwks;

    public BackendJwtVerifier(String jwksUrl) {
        Http.Response response = Http.get(jwksUrl);
        if (response.status() != 200) {
            throw new AssertionError("JWKS not served: " + response.status());
        }
        try {
            this.jwks = JWKSet.parse(response.body());
        } catch (java.text.ParseException e) {
            throw new AssertionError("JWKS is not a key set: " + response.body(), e);
        }
    }

    public JWKSet keys() {
        return jwks;
    }

    /** The verified claims; fails the test if the signature, algorithm, kid or lifetime is wrong. */
    public JWTClaimsSet verify(String assertion) {
        if (assertion == null || assertion.isBlank()) {
            throw new AssertionError("the backend received no JWT");
        }
        try {
            String kid = JWSObject.parse(assertion).getHeader().getKeyID();
            if (kid == null || jwks.getKeyByKeyId(kid) == null) {
                throw new AssertionError("backend JWT kid " + kid + " is not in the published JWKS");
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                    new ImmutableJWKSet<>(jwks)));
            return processor.process(assertion, null);
        } catch (Exception e) {
            throw new AssertionError("backend JWT does not verify: " + e.getMessage(), e);
        }
    }
}
