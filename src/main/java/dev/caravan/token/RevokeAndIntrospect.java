package dev.caravan.token;

import dev.caravan.http.Responses;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.AccessTokens;
import dev.caravan.jwt.InvalidTokenException;
import dev.caravan.registry.LiveRegistry.ClientApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Token revocation (RFC 7009) and introspection (RFC 7662). A client can revoke or introspect
 * only its own tokens; another client's token is answered as if it were unknown, so nothing
 * about it leaks.
 */
@Component("revokeAndIntrospect")
public class RevokeAndIntrospect {
    /** The {@link Revoked} outcome of a revocation request, for auditing. */
    public static final String REVOKED = "caravanRevoked";

    /**
     * What a revocation request revoked: {@code tokenType} is {@code access_token},
     * {@code refresh_token} (its whole login) or {@code none} (unknown or another client's token).
     * The organization and username are the end user's, null for an application's own token.
     */
    public record Revoked(String tokenType, String organization, String username) {
        static final Revoked NOTHING = new Revoked("none", null, null);
    }

    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Revocations revocations;

    public RevokeAndIntrospect(AccessTokens accessTokens, RefreshTokens refreshTokens, Revocations revocations) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.revocations = revocations;
    }

    /** Always 200 with an empty body for a well-formed request, whether or not the token was known. */
    public void revoke(Exchange exchange) {
        TokenForm form = TokenEndpointProcessors.form(exchange);
        ClientApp client = TokenEndpointProcessors.client(exchange);
        String token = form.required("token");
        String hint = form.optional("token_type_hint");
        if (hint != null && !hint.equals("access_token") && !hint.equals("refresh_token")) {
            throw OAuthException.unsupportedTokenType("token_type_hint must be access_token or refresh_token");
        }
        boolean refreshFirst = !"access_token".equals(hint);
        Revoked revoked = refreshFirst
                ? revokeRefresh(client, token).or(() -> revokeAccess(client, token)).orElse(Revoked.NOTHING)
                : revokeAccess(client, token).or(() -> revokeRefresh(client, token)).orElse(Revoked.NOTHING);
        exchange.setProperty(REVOKED, revoked);
        exchange.getMessage().setBody(null);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        Responses.noStore(exchange);
    }

    private Optional<Revoked> revokeRefresh(ClientApp client, String token) {
        if (token.length() > 512) {
            return Optional.empty();
        }
        Optional<RefreshTokens.Grant> grant = refreshTokens.peek(token)
                .filter(g -> g.applicationId().equals(client.application().id()));
        grant.ifPresent(g -> refreshTokens.revokeFamily(g.family()));
        return grant.map(g -> new Revoked("refresh_token", g.organization(), g.username()));
    }

    private Optional<Revoked> revokeAccess(ClientApp client, String token) {
        Optional<AccessTokenClaims> claims = ownAccessToken(client, token);
        claims.ifPresent(c -> revocations.revokeToken(c.jti(), c.expiresAt()));
        return claims.map(c -> new Revoked("access_token", c.organization(), c.username()));
    }

    public void introspect(Exchange exchange) {
        TokenForm form = TokenEndpointProcessors.form(exchange);
        ClientApp client = TokenEndpointProcessors.client(exchange);
        String token = form.required("token");
        Map<String, Object> body = new LinkedHashMap<>();
        Optional<AccessTokenClaims> access = ownAccessToken(client, token).filter(c -> !revocations.isRevokedInDatabase(c));
        if (access.isPresent()) {
            AccessTokenClaims c = access.get();
            body.put("active", true);
            body.put("scope", c.scope());
            body.put("client_id", c.clientId());
            if (c.isEndUserToken()) {
                body.put("username", c.username() + "@" + c.organization());
            }
            body.put("token_type", "Bearer");
            body.put("exp", c.expiresAt().getEpochSecond());
            body.put("iat", c.issuedAt().getEpochSecond());
            body.put("sub", c.subject());
            body.put("jti", c.jti());
        } else {
            Optional<RefreshTokens.Grant> refresh = token.length() > 512 ? Optional.empty() : refreshTokens.peek(token)
                    .filter(g -> g.applicationId().equals(client.application().id()))
                    .filter(g -> !revocations.isFamilyRevokedInDatabase(g.family()))
                    .filter(g -> g.expiresAt().isAfter(java.time.Instant.now()));
            body.put("active", refresh.isPresent());
            refresh.ifPresent(g -> {
                body.put("scope", g.scope());
                body.put("client_id", client.application().consumerKey());
                body.put("username", g.username() + "@" + g.organization());
                body.put("token_type", "refresh_token");
                body.put("exp", g.expiresAt().getEpochSecond());
                body.put("sub", g.subject());
            });
        }
        Responses.json(exchange, 200, body);
        Responses.noStore(exchange);
    }

    private Optional<AccessTokenClaims> ownAccessToken(ClientApp client, String token) {
        try {
            AccessTokenClaims claims = accessTokens.validate(token);
            return client.application().consumerKey().equals(claims.clientId()) ? Optional.of(claims) : Optional.empty();
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
    }
}
