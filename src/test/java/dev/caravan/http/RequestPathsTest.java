package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/placeFinder/1.0.0", "/placeFinder/1.0.0/places", "/a/1/x.y/..z/%41", "/a/1/.well-known",
            "/a/1/...", "/a/1/%2e%2e%2e", "/a/1/%2", "/a/1/%", "/a/1/;x", "/a/1/%2g"})
    void ordinaryPathsAreAccepted(String path) {
        assertThat(RequestPaths.problem(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/1/../../admin", "/api/1/%2e%2e/x", "/api/1/%2E./x", "/api/1/./x", "/api/1/.%2e",
            "/api/1/a%2Fb", "/api/1/..;/x", "/api/1/.;jsessionid=1/x", "/api/1/a%5cb", "/api/1/a\\b", "/api/1/a%00", "relative/path", ""})
    void traversalAndEncodedSeparatorsAreRefused(String path) {
        assertThat(RequestPaths.problem(path)).isNotNull();
    }

    @Test
    void eachProblemHasItsOwnReason() {
        assertThat(RequestPaths.problem("/a/" + "b".repeat(5000))).isEqualTo("the request path is too long");
        assertThat(RequestPaths.problem("/a/%2F/..")).isEqualTo("the request path contains an encoded separator");
        assertThat(RequestPaths.problem("/a/..;x/b c")).isEqualTo("the request path contains a dot-segment");
        assertThat(RequestPaths.problem("/a/b c")).isEqualTo("the request path contains a control character");
        assertThat(RequestPaths.problem("/a/%0\u0010")).isEqualTo("the request path contains a control character");
        assertThat(RequestPaths.problem("/a/\u007f")).isEqualTo("the request path contains a control character");
    }

    /**
     * The rules as first written (lower-case copy, split into segments): the in-place version must
     * give the same answer for every path, so random paths over the characters that matter are
     * compared with it.
     */
    @Test
    void agreesWithTheRulesWrittenPlainly() {
        String[] pieces = {"/", ".", "..", "%", "2", "e", "E", "f", "F", "5", "c", "C", "0", ";", "\\", "a", "%2e", "%2E",
                "%2f", "%5C", "%00", " ", "\u0010", "\u007f", "\u0130", "\u212a", "x"};
        Random random = new Random(20261130);
        for (int round = 0; round < 200_000; round++) {
            StringBuilder path = new StringBuilder(random.nextInt(10) == 0 ? "" : "/");
            int count = random.nextInt(9);
            for (int i = 0; i < count; i++) {
                path.append(pieces[random.nextInt(pieces.length)]);
            }
            String p = path.toString();
            assertThat(RequestPaths.problem(p)).as("path %s", p).isEqualTo(plainRules(p));
        }
    }

    private static String plainRules(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "the request path is malformed";
        }
        if (path.length() > 4096) {
            return "the request path is too long";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || lower.indexOf('\\') >= 0) {
            return "the request path contains an encoded separator";
        }
        for (String segment : lower.split("/", -1)) {
            String dots = segment.replace("%2e", ".");
            int parameters = dots.indexOf(';');
            if (parameters >= 0) {
                dots = dots.substring(0, parameters);
            }
            if (dots.equals(".") || dots.equals("..")) {
                return "the request path contains a dot-segment";
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return "the request path contains a control character";
            }
        }
        return null;
    }
}
