package dev.caravan.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.Subscription;
import dev.caravan.testsupport.MediatorRig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The end user's roles reach the backend JWT as one JSON array claim in the configured dialect. */
class BackendJwtRolesTest {
    private final MediatorRig rig = new MediatorRig();
    private final MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");

    private JWTClaimsSet backendJwtFor(Set<String> roles) throws Exception {
        String token = rig.accessTokens.issue(world.endUser().username() + "@" + world.organization().name(),
                world.application().consumerKey(), world.organization().name(), world.endUser().username(),
                "default", null, roles, Map.of("email", "jane@example.com")).value();
        AccessTokenClaims claims = rig.accessTokens.validate(token);
        ClientApp client = rig.registry.client(claims.clientId()).orElseThrow();
        Subscription subscription = rig.registry.subscription(client.application().id(), world.api().id()).orElseThrow();
        return SignedJWT.parse(rig.backendJwts.assertion(claims, null, world.api(), client, subscription,
                "api-" + System.nanoTime(), null).toString()).getJWTClaimsSet();
    }

    @Test
    void rolesWhoseNamesHoldCommasArriveAsOneArrayElementEach() throws Exception {
        JWTClaimsSet jwt = backendJwtFor(Set.of("travel, europe", "admins", "CN=Ops\\, Night,OU=Groups"));

        String dialect = rig.properties.backendJwt().claimDialect();
        assertThat(jwt.getClaim(dialect + "role")).isInstanceOf(List.class);
        assertThat(jwt.getStringListClaim(dialect + "role"))
                .containsExactly("CN=Ops\\, Night,OU=Groups", "admins", "travel, europe");
        assertThat(jwt.getStringClaim(dialect + "email")).isEqualTo("jane@example.com");
    }

    @Test
    void aUserWithoutRolesHasNoRoleClaim() throws Exception {
        JWTClaimsSet jwt = backendJwtFor(Set.of());

        assertThat(jwt.getClaim(rig.properties.backendJwt().claimDialect() + "role")).isNull();
    }
}
