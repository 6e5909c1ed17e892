package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "192.168.1.0/24, 192.168.1.77, true",
        "192.168.1.0/25, 192.168.1.200, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.1, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "0.0.0.0/0, 8.8.8.8, true",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "::1/128, ::1, true",
        "::1/128, 127.0.0.1, false",
        "10.0.0.0/8, ::ffff:10.1.2.3, true",
        "::/0, 10.0.0.1, false"})
    void containsMatchesThePrefixBits(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(Cidr.address(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.0.0", "10.0.0.256", "10.0.0.0/", "10.0.0.0/33",
            "::1/129", "10.0.0.0/-1", "1.2.3.4/8/9", "01.2.3.4x"})
    void problemWhenNotAnAddressLiteralOrPrefix(String text) {
        assertThat(Cidr.problem(text)).isNotNull();
    }

    @Test
    void addressNeverResolvesHostNames() {
        assertThat(Cidr.address("localhost")).isNull();
        assertThat(Cidr.address("[::1]")).hasSize(16);
        assertThat(Cidr.address(null)).isNull();
    }
}
