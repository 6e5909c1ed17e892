package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderNameSetTest {
    private final HeaderNameSet names = new HeaderNameSet(List.of("Authorization", "X-Authorization", "accept", "TE", "Accept"));

    @Test
    void namesMatchInAnyCase() {
        assertThat(names.contains("authorization")).isTrue();
        assertThat(names.contains("X-AUTHORIZATION")).isTrue();
        assertThat(names.contains("Accept")).isTrue();
        assertThat(names.contains("te")).isTrue();
    }

    @Test
    void otherNamesOfTheSameOrAnotherLengthDoNot() {
        assertThat(names.contains("Authorizatioo")).isFalse();
        assertThat(names.contains("Y-Authorization")).isFalse();
        assertThat(names.contains("Accepts")).isFalse();
        assertThat(names.contains("")).isFalse();
        assertThat(names.contains("a".repeat(100))).isFalse();
        assertThat(new HeaderNameSet(List.of()).contains("Accept")).isFalse();
    }
}
