package dev.caravan.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.MediatorRig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /{context...}/{version}/rest} to an API, over the real registry on an in-memory database. */
class LiveRegistryResolveTest {
    private static MediatorRig rig;
    private static ApiDefinition places;
    private static ApiDefinition placesV2;
    private static ApiDefinition nested;

    @BeforeAll
    static void apis() {
        rig = new MediatorRig();
        String org = rig.organizations.create("resolve_org", "Resolve").id();
        places = rig.apis.create(org, "places", "/places", "1.0.0", "http://b/p", List.of("Gold"));
        placesV2 = rig.apis.create(org, "places2", "/places", "2.0", "http://b/p2", List.of("Gold"));
        nested = rig.apis.create(org, "nested", "/team/places", "1.0.0", "http://b/n", List.of("Gold"));
        rig.registry.reload();
    }

    private static Optional<LiveRegistry.ResolvedApi> resolve(String path) {
        return rig.registry.resolve(path);
    }

    @Test
    void resolveSplitsContextVersionAndRemainingPath() {
        LiveRegistry.ResolvedApi resolved = resolve("/places/1.0.0/cities/colombo").orElseThrow();

        assertThat(resolved.api().id()).isEqualTo(places.id());
        assertThat(resolved.remainingPath()).isEqualTo("/cities/colombo");
    }

    @Test
    void resolveWhenPathEndsAtTheVersionThenRemainingPathIsEmpty() {
        assertThat(resolve("/places/1.0.0").orElseThrow().remainingPath()).isEmpty();
        assertThat(resolve("/places/1.0.0/").orElseThrow().remainingPath()).isEqualTo("/");
    }

    @Test
    void resolveTellsVersionsOfOneContextApart() {
        assertThat(resolve("/places/2.0/x").orElseThrow().api().id()).isEqualTo(placesV2.id());
    }

    @Test
    void resolveWhenContextSpansSeveralSegmentsThenItIsFound() {
        LiveRegistry.ResolvedApi resolved = resolve("/team/places/1.0.0/a/b").orElseThrow();

        assertThat(resolved.api().id()).isEqualTo(nested.id());
        assertThat(resolved.remainingPath()).isEqualTo("/a/b");
    }

    @Test
    void resolveWhenVersionIsUnknownThenNothing() {
        assertThat(resolve("/places/9.9/cities")).isEmpty();
    }

    @Test
    void resolveWhenContextIsUnknownOrIncompleteThenNothing() {
        assertThat(resolve("/nowhere/1.0.0/x")).isEmpty();
        assertThat(resolve("/places")).isEmpty();
        assertThat(resolve("/places/")).isEmpty();
        assertThat(resolve("/")).isEmpty();
        assertThat(resolve("")).isEmpty();
        assertThat(resolve(null)).isEmpty();
    }

    @Test
    void resolveWhenPathIsNotAbsoluteThenNothing() {
        assertThat(resolve("places/1.0.0/x")).isEmpty();
    }

    @Test
    void resolveMatchesContextsCaseSensitively() {
        assertThat(resolve("/PLACES/1.0.0/x")).isEmpty();
    }

    @Test
    void resolveSeesAnApiOnlyAfterTheRegistryIsReloaded() {
        String org = rig.organizations.create("resolve_late", "Late").id();
        rig.apis.create(org, "late", "/late", "1", "http://b/late", List.of("Gold"));

        assertThat(resolve("/late/1/x")).isEmpty();
        rig.registry.reload();
        assertThat(resolve("/late/1/x")).isPresent();
    }
}
