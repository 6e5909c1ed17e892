package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/placeFinder/1.0.0", "/placeFinder/1.0.0/places", "/a/1/x.y/..z/%41", "/a/1/.well-known"})
    void ordinaryPathsAreAccepted(String path) {
        assertThat(RequestPaths.problem(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/1/../../admin", "/api/1/%2e%2e/x", "/api/1/%2E./x", "/api/1/./x", "/api/1/.%2e",
            "/api/1/a%2Fb", "/api/1/..;/x", "/api/1/.;jsessionid=1/x", "/api/1/a%5cb", "/api/1/a\\b", "/api/1/a%00", "relative/path", ""})
    void traversalAndEncodedSeparatorsAreRefused(String path) {
        assertThat(RequestPaths.problem(path)).isNotNull();
    }
}
