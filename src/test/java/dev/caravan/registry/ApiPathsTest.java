package dev.caravan.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** When two APIs' paths overlap: one's context/version segments a prefix of (or equal to) the other's. */
class ApiPathsTest {

    private static ApiDefinition api(String context, String version) {
        return new ApiDefinition(context + "@" + version, "org", "n", context, version, "http://b", List.of("Gold"),
                Instant.EPOCH);
    }

    @ParameterizedTest
    @CsvSource({
        "/maps,eu,/maps/eu,1.0,true",        // a version that is another API's context segment
        "/maps/eu,1.0,/maps,eu,true",
        "/inventory/1.0,1.0,/inventory,1.0,true",
        "/maps,1.0,/maps,1.0,true",          // the same API twice
        "/a,b,/a/b/c/d,e,true",
        "/maps/eu,1,/maps/euro,1,false",     // a segment is not a string prefix
        "/maps,eu,/maps,euro,false",
        "/maps,1.0,/maps,2.0,false",         // versions of one context
        "/maps,1.0,/Maps,1.0,false",         // paths are case-sensitive, like the gateway's lookup
        "/a/b,c,/a,c,false",
        "/x_y,1,/xAy/1,2,false"})
    void overlapIsASegmentPrefixEitherWay(String context, String version, String otherContext, String otherVersion,
                                          boolean overlap) {
        assertThat(ApiPaths.overlap(context, version, api(otherContext, otherVersion))).isEqualTo(overlap);
        assertThat(ApiPaths.overlap(otherContext, otherVersion, api(context, version))).isEqualTo(overlap);
    }

    @Test
    void overlapsFindsEveryPairAndNamesTheShorterFirst() {
        ApiDefinition maps = api("/maps", "eu");
        ApiDefinition eu = api("/maps/eu", "1.0");
        ApiDefinition deeper = api("/maps/eu/1.0", "x");
        ApiDefinition euro = api("/maps/euro", "1.0");
        ApiDefinition other = api("/places", "1.0");

        List<ApiPaths.Overlap> overlaps = ApiPaths.overlaps(List.of(deeper, other, euro, eu, maps));

        assertThat(overlaps).containsExactlyInAnyOrder(new ApiPaths.Overlap(maps, eu),
                new ApiPaths.Overlap(maps, deeper), new ApiPaths.Overlap(eu, deeper));
    }

    @Test
    void overlapsOfApisThatOnlyShareAFirstSegmentIsNone() {
        assertThat(ApiPaths.overlaps(List.of(api("/maps/eu", "1"), api("/maps/euro", "1"), api("/maps", "2"),
                api("/maps-eu", "1")))).isEmpty();
    }

    @Test
    void firstSegmentIsTheContextsFirst() {
        assertThat(ApiPaths.firstSegment("/maps/eu")).isEqualTo("maps");
        assertThat(ApiPaths.firstSegment("/maps")).isEqualTo("maps");
    }
}
