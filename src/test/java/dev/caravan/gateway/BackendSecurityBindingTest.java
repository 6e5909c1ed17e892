package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPolicies;
import dev.caravan.testsupport.MediatorRig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend security profile is bound to the organizations that may use it and the hosts its
 * credentials may go to: bad bindings stop start-up naming the key, and the runtime never
 * attaches a profile to an API outside its binding, whatever was stored.
 */
class BackendSecurityBindingTest {
    private static final String KEY = "caravan.backend-security.p";

    private static Map<String, String> profile(String organization, String... hosts) {
        Map<String, String> settings = new HashMap<>();
        settings.put(KEY + ".basic.username", "gateway");
        settings.put(KEY + ".basic.password", "profile-Secret-99");
        if (organization != null) {
            settings.put(KEY + ".organizations[0]", organization);
        }
        for (int i = 0; i < hosts.length; i++) {
            settings.put(KEY + ".hosts[" + i + "]", hosts[i]);
        }
        return settings;
    }

    private static BackendEndpoints.Backend at(String url) {
        return BackendEndpoints.parse(url);
    }

    @Test
    void aProfileWithoutOrganizationsStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> MediatorRig.profiles(profile(null, "backend.internal")))
                .hasMessageContaining(KEY + ".organizations");
    }

    @Test
    void aProfileWithoutHostsStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> MediatorRig.profiles(profile("acme")))
                .hasMessageContaining(KEY + ".hosts");
    }

    @Test
    void aMalformedOrganizationStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> MediatorRig.profiles(profile("acme corp", "backend.internal")))
                .hasMessageContaining(KEY + ".organizations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*.example.com", "http://backend.internal", "backend.internal/x", "::1", "[::1",
            "[::1]x", "backend.internal:0", "backend.internal:65536", "backend.internal:http", "user@backend.internal",
            "back end", "-backend", ""})
    void aMalformedHostStopsStartUpNamingTheKey(String host) {
        assertThatThrownBy(() -> MediatorRig.profiles(profile("acme", host)))
                .hasMessageContaining(KEY + ".hosts").hasMessageNotContaining("profile-Secret-99");
    }

    @Test
    void aProfileIsAvailableOnlyToItsOrganizationsOnItsHosts() {
        BackendSecurityProfiles profiles = MediatorRig.profiles(profile("acme", "Backend.Internal", "10.0.0.7:8443",
                "[2001:db8::1]:9000"));

        assertThat(profiles.available("p", "acme", at("http://backend.internal:8080/x"))).isNotNull();
        assertThat(profiles.available("p", "acme", at("https://BACKEND.internal/x"))).as("any port, any case").isNotNull();
        assertThat(profiles.available("p", "acme", at("https://10.0.0.7:8443/x"))).isNotNull();
        assertThat(profiles.available("p", "acme", at("http://[2001:db8::1]:9000/x"))).isNotNull();

        assertThat(profiles.available("p", "my_company", at("http://backend.internal/x"))).as("another organization").isNull();
        assertThat(profiles.available("p", "ACME", at("http://backend.internal/x"))).as("organization names are exact").isNull();
        assertThat(profiles.available("p", null, at("http://backend.internal/x"))).isNull();
        assertThat(profiles.available("p", "acme", at("http://carol.example/x"))).as("another host").isNull();
        assertThat(profiles.available("p", "acme", at("http://backend.internal.carol.example/x"))).isNull();
        assertThat(profiles.available("p", "acme", at("https://10.0.0.7/x"))).as("another port").isNull();
        assertThat(profiles.available("p", "acme", at("http://[2001:db8::1]:9001/x"))).isNull();
        assertThat(profiles.available("p", "acme", at("queue:orders"))).isNull();
        assertThat(profiles.available("q", "acme", at("http://backend.internal/x"))).as("no such profile").isNull();
    }

    @Test
    void readmesProfilesAreBoundAsWritten() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("docs/mediation.md"));
        int section = readme.indexOf("## Backend security (`backendSecurity`)");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        var sources = new org.springframework.boot.env.YamlPropertySourceLoader().load("readme",
                new org.springframework.core.io.ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var settings = new org.springframework.boot.context.properties.bind.Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(sources.get(0)))
                .bindOrCreate("caravan", BackendSecurityProperties.class);

        assertThat(settings.backendSecurity()).containsOnlyKeys("weather-backend", "maps-backend", "billing-backend");
        settings.backendSecurity().forEach((name, profile) ->
                BackendSecurityProfiles.binding("caravan.backend-security." + name, profile));
        var weather = BackendSecurityProfiles.binding("weather-backend", settings.backendSecurity().get("weather-backend"));
        assertThat(weather.allows("my_company", at("https://weather.internal:8443/v1"))).isTrue();
        assertThat(weather.allows("acme", at("https://weather.internal:8443/v1"))).isFalse();
        var maps = BackendSecurityProfiles.binding("maps-backend", settings.backendSecurity().get("maps-backend"));
        assertThat(maps.allows("acme", at("http://[2001:db8::7]:8443/tiles"))).isTrue();
        assertThat(maps.allows("acme", at("http://maps.example.com/tiles"))).as("port 80, not 443").isFalse();
    }

    @Test
    void theRuntimeNeverAttachesAProfileOutsideItsBinding() {
        MediatorRig rig = new MediatorRig();
        MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");
        String org = world.organization().name();
        // stored as data from before profiles were bound could be: the admin API's checks never ran on it
        ApiDefinition api = new ApiDefinition(world.api().id(), world.api().organizationId(), world.api().name(),
                world.api().context(), world.api().version(), world.api().backendUrl(), world.api().tiers(),
                world.api().createdAt(), ApiPolicies.fromStored("{\"backendSecurity\": \"p\"}"));
        rig.apis.update(api);
        rig.registry.reload();

        ApiRuntimes anotherOrganizations = rig.runtimes(profile("acme", "127.0.0.1"));
        ApiRuntimes anotherHosts = rig.runtimes(profile(org, "backend.internal", "127.0.0.1:10"));
        ApiRuntimes bound = rig.runtimes(profile(org, "127.0.0.1:9"));

        assertThatThrownBy(() -> anotherOrganizations.of(api)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(500));
        assertThatThrownBy(() -> anotherHosts.of(api)).isInstanceOf(GatewayException.class);
        assertThat(anotherOrganizations.reportUnservableApis()).as("reported at start-up").isOne();
        assertThat(bound.reportUnservableApis()).isZero();
        assertThat(bound.of(api).security().authorization()).startsWith("Basic ");
    }
}
