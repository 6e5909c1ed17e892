package dev.caravan.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.SigningKeys;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiRepository;
import dev.caravan.registry.Application;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.LiveRegistry;
import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import dev.caravan.registry.SubscriptionRepository;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.registry.Db;
import dev.caravan.token.OAuthException;
import dev.caravan.token.RefreshReuseException;
import dev.caravan.token.Secrets;
import dev.caravan.token.RefreshTokens;
import dev.caravan.token.Revocations;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The JDBC stores against a real database: H2 here, PostgreSQL in
 * {@link PostgresRepositoryPersistenceTest} (same tests, run by .ci/run).
 */
class RepositoryPersistenceTest extends CaravanTestBase {

    @Autowired OrganizationRepository organizations;
    @Autowired PrimaryUserRepository users;
    @Autowired ApplicationRepository applications;
    @Autowired ApiRepository apis;
    @Autowired SubscriptionRepository subscriptions;
    @Autowired RefreshTokens refreshTokens;
    @Autowired Revocations revocations;
    @Autowired LiveRegistry registry;
    @Autowired JdbcClient jdbc;

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void organizationRoundTripsAndItsNameIsUnique() {
        String name = unique("org_");
        Organization created = organizations.create(name, "Display");
        Organization found = organizations.findByName(name).orElseThrow();
        assertThat(found.id()).isEqualTo(created.id());
        assertThat(found.displayName()).isEqualTo("Display");
        assertThat(found.createdAt()).isCloseTo(created.createdAt(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MILLIS));
        assertThatThrownBy(() -> organizations.create(name, "again")).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void userRolesEmailAndEnabledFlagRoundTrip() {
        Organization org = organizations.create(unique("org_"), null);
        PrimaryUser user = users.create(org.id(), "jane@example.com", "$argon2id$fake", Set.of("publisher", "subscriber"),
                "jane@example.com");
        PrimaryUser found = users.find(org.id(), "jane@example.com").orElseThrow();
        assertThat(found.roles()).containsExactlyInAnyOrder("publisher", "subscriber");
        assertThat(found.enabled()).isTrue();
        users.update(user.id(), Set.of(), null, false);
        PrimaryUser updated = users.findById(user.id()).orElseThrow();
        assertThat(updated.roles()).isEmpty();
        assertThat(updated.email()).isNull();
        assertThat(updated.enabled()).isFalse();
        assertThatThrownBy(() -> users.create(org.id(), "jane@example.com", "x", Set.of(), null))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void deletingAnOrganizationCascadesToEverythingItOwns() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/backend");
        assertThat(registry.client(world.consumerKey())).isPresent();
        assertThat(organizations.delete(world.organization().id())).isTrue();
        assertThat(applications.findById(world.application().id())).isEmpty();
        assertThat(apis.findById(world.api().id())).isEmpty();
        assertThat(users.findById(world.endUser().id())).isEmpty();
        assertThat(subscriptions.findByApplication(world.application().id())).isEmpty();
        assertThat(registry.client(world.consumerKey())).as("the live registry follows the change").isEmpty();
        assertThat(registry.resolve(world.apiPath() + "/x")).isEmpty();
    }

    @Test
    void apiTiersAndBackendRoundTripAndContextVersionIsUnique() {
        Organization org = organizations.create(unique("org_"), null);
        String context = "/" + unique("ctx");
        ApiDefinition api = apis.create(org.id(), "n", context, "1.0", "http://127.0.0.1:1/b", List.of("Gold", "Silver"));
        ApiDefinition found = apis.findByContextAndVersion(context, "1.0").orElseThrow();
        assertThat(found.tiers()).containsExactly("Gold", "Silver");
        assertThat(found.backendUrl()).isEqualTo("http://127.0.0.1:1/b");
        apis.update(new ApiDefinition(api.id(), org.id(), "renamed", context, "1.0", "https://example.org/x",
                List.of("Bronze"), api.createdAt()));
        assertThat(apis.findById(api.id()).orElseThrow().tiers()).containsExactly("Bronze");
        assertThatThrownBy(() -> apis.create(org.id(), "dup", context, "1.0", "http://h/", List.of("Gold")))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(registry.resolve(context + "/1.0/rest")).isPresent();
    }

    @Test
    void applicationGrantTypesAndSecretHashRoundTrip() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        Application app = applications.findByConsumerKey(world.consumerKey()).orElseThrow();
        assertThat(app.grantTypes()).containsExactlyInAnyOrder("password", "client_credentials", "refresh_token");
        applications.updateSecretHash(app.id(), "0".repeat(64));
        assertThat(applications.findById(app.id()).orElseThrow().consumerSecretHash()).isEqualTo("0".repeat(64));
        assertThat(registry.client(world.consumerKey()).orElseThrow().application().consumerSecretHash())
                .isEqualTo("0".repeat(64));
    }

    @Test
    void refreshTokenIsStoredHashedAndRotatesOnce() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        String family = UUID.randomUUID().toString();
        String token = refreshTokens.issue(family, world.application().id(), "u@o", world.organization().name(), "u",
                "default");
        Integer plain = jdbc.sql("select count(*) from refresh_token where token_hash = ?").param(token)
                .query(Integer.class).single();
        assertThat(plain).as("the raw token is never stored").isZero();

        RefreshTokens.Rotated first = rotate(token, world);
        assertThat(first.grant().family()).isEqualTo(family);
        assertThat(first.grant().username()).isEqualTo("u");
        assertThat(successorOf(token)).as("spent and its successor recorded in one step")
                .isEqualTo(Secrets.sha256Hex(first.successor()));
        RefreshTokens.Rotated next = rotate(first.successor(), world);

        assertThatThrownBy(() -> rotate(token, world))
                .as("a spent token whose successor was used is a reuse")
                .isInstanceOf(OAuthException.class)
                .extracting(e -> ((OAuthException) e).error()).isEqualTo("invalid_grant");
        assertThat(revocations.isFamilyRevoked(family)).as("reuse revokes the family").isTrue();
        assertThatThrownBy(() -> rotate(next.successor(), world)).isInstanceOf(OAuthException.class);
    }

    @Test
    void theRolesAndClaimsKeptAtLoginTravelUnchangedThroughEveryRotation() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        var atLogin = new RefreshTokens.LoginClaims(Set.of("travel, europe", "admins"),
                java.util.Map.of("email", "max@example.com", "name", "Max \"M\u00fcller\" \u2028"));
        String token = refreshTokens.issue(UUID.randomUUID().toString(), world.application().id(), "max@o",
                world.organization().name(), "max", "default", atLogin);

        RefreshTokens.Rotated first = rotate(token, world);
        RefreshTokens.Rotated second = rotate(first.successor(), world);

        assertThat(first.grant().atLogin()).isEqualTo(atLogin);
        assertThat(second.grant().atLogin()).isEqualTo(atLogin);
        assertThat(refreshTokens.peek(second.successor()).orElseThrow().atLogin()).isEqualTo(atLogin);
        String untouched = refreshTokens.issue(UUID.randomUUID().toString(), world.application().id(), "u@o",
                world.organization().name(), "u", "default");
        assertThat(rotate(untouched, world).grant().atLogin()).as("nothing kept, nothing made up").isNull();
    }

    @Test
    void aRotationWhoseAnswerWasLostIsRetriedWithTheSameTokenAndItsUnusedSuccessorIsSpent() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        String family = UUID.randomUUID().toString();
        String token = refreshTokens.issue(family, world.application().id(), "u@o", world.organization().name(), "u",
                "default");
        RefreshTokens.Rotated lost = rotate(token, world);

        RefreshTokens.Rotated retried = rotate(token, world);

        assertThat(retried.successor()).isNotEqualTo(lost.successor());
        assertThat(revocations.isFamilyRevoked(family)).as("a retry is no reuse").isFalse();
        assertThat(rotate(retried.successor(), world).grant().family()).isEqualTo(family);
        // whoever held the lost answer finds it spent: that is a reuse, and the family goes
        assertThatThrownBy(() -> rotate(lost.successor(), world)).isInstanceOf(RefreshReuseException.class);
        assertThat(revocations.isFamilyRevoked(family)).isTrue();
    }

    @Test
    void aFamilyRevokedThroughAnotherNodeIsRefusedAtOnce() {
        Fixtures.World world = fixtures.world("http://127.0.0.1:9/");
        String family = UUID.randomUUID().toString();
        String token = refreshTokens.issue(family, world.application().id(), "u@o", world.organization().name(), "u",
                "default");
        // another node's revocation: only in the database, not yet in this node's copy
        jdbc.sql("insert into revocation(kind, item, expires_at, created_at) values ('family', ?, ?, ?)")
                .params(family, Db.ts(Instant.now().plusSeconds(600)), Db.ts(Instant.now())).update();
        assertThat(revocations.isFamilyRevoked(family)).isFalse();

        assertThatThrownBy(() -> rotate(token, world)).isInstanceOf(OAuthException.class)
                .extracting(e -> ((OAuthException) e).error()).isEqualTo("invalid_grant");
    }

    private RefreshTokens.Rotated rotate(String token, Fixtures.World world) {
        return refreshTokens.rotate(token, world.application().id(), grant -> { }, scope -> scope);
    }

    private String successorOf(String token) {
        return jdbc.sql("select successor_hash from refresh_token where token_hash = ? and used_at is not null")
                .param(Secrets.sha256Hex(token)).query(String.class).single();
    }

    @Test
    void revocationsSurviveARestartOfTheRevocationRegistry() {
        String jti = UUID.randomUUID().toString();
        String family = UUID.randomUUID().toString();
        Instant later = Instant.now().plusSeconds(600);
        revocations.revokeToken(jti, later);
        revocations.revokeFamily(family, later);
        Revocations anotherNode = new Revocations(jdbc);
        AccessTokenClaims byJti = new AccessTokenClaims(jti, "s", "c", null, null, "default", null, Instant.now(), later);
        AccessTokenClaims byFamily = new AccessTokenClaims(UUID.randomUUID().toString(), "s", "c", "o", "u", "default",
                family, Instant.now(), later);
        AccessTokenClaims other = new AccessTokenClaims(UUID.randomUUID().toString(), "s", "c", "o", "u", "default",
                UUID.randomUUID().toString(), Instant.now(), later);
        assertThat(anotherNode.isRevoked(byJti)).isTrue();
        assertThat(anotherNode.isRevoked(byFamily)).isTrue();
        assertThat(anotherNode.isRevoked(other)).isFalse();
    }

    @Test
    void signingKeyIsPersistedSoEveryNodeSignsWithTheSameKid() throws Exception {
        SigningKeys first = MediatorRig.signingKeys(jdbc, MediatorRig.properties(java.util.Map.of()));
        SigningKeys second = MediatorRig.signingKeys(jdbc, MediatorRig.properties(java.util.Map.of()));
        assertThat(second.signingKey().getKeyId()).isEqualTo(first.signingKey().getKeyId());
        assertThat(first.jwksJson()).contains(first.signingKey().getKeyId()).doesNotContain("\"d\"");
    }
}
