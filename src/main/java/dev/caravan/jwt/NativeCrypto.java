package dev.caravan.jwt;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import org.jose4j.jca.ProviderContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RS256 signatures through Amazon Corretto Crypto Provider (ACCP: AWS-LC, native code) where its
 * library loads (Linux x86-64), else through the JDK's own provider.
 *
 * <p>Why: signing is nearly all of a token grant's CPU (a profile of the client_credentials
 * grant: 85% in the JDK's RSA, {@code BigInteger.modPow}); ACCP signs an RS256 JWT about four
 * times faster (measured on the 2-core bench machine: 260 µs against 1,000 µs per signature).
 * PKCS#1 v1.5 signatures are deterministic, so both providers produce the same bytes for the
 * same key and input; verifiers see no difference.
 *
 * <p>ACCP is added at the end of the provider list and named only for these signatures: TLS,
 * hashing and everything else keep the JDK's providers. {@code caravan.jwt.native-crypto=false}
 * turns it off.
 */
final class NativeCrypto {
    private static final Logger log = LoggerFactory.getLogger(NativeCrypto.class);

    private NativeCrypto() {}

    /** The context naming ACCP for signatures, or an empty one (the JDK's providers) when off or unavailable. */
    static ProviderContext signingContext(boolean enabled) {
        ProviderContext context = new ProviderContext();
        if (!enabled) {
            log.info("JWT signatures: the JDK's RSA (caravan.jwt.native-crypto=false)");
            return context;
        }
        Provider accp = load();
        if (accp != null) {
            context.getSuppliedKeyProviderContext().setSignatureProvider(accp.getName());
            log.info("JWT signatures: {} {} (native)", accp.getName(), accp.getVersionStr());
        }
        return context;
    }

    /**
     * The private key in the form the context's provider signs with. Handed the JDK's key, ACCP
     * would parse it into its native form again at every signature (a fifth of a grant's CPU).
     */
    static PrivateKey signingKey(ProviderContext context, PrivateKey key) {
        String provider = context.getSuppliedKeyProviderContext().getSignatureProvider();
        if (provider == null) {
            return key;
        }
        try {
            return (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the signing key cannot be handed to " + provider, e);
        }
    }

    private static synchronized Provider load() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                log.info("JWT signatures: the JDK's RSA (the native provider does not load here: {})",
                        accp.getLoadingError().toString());
                return null;
            }
            if (Security.getProvider(accp.getName()) == null) {
                Security.addProvider(accp);
            }
            return accp;
        } catch (LinkageError | RuntimeException e) {
            log.info("JWT signatures: the JDK's RSA (no native provider: {})", e.toString());
            return null;
        }
    }
}
