package dev.caravan.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;

/** Caravan's Camel headers map behaves as Camel's case-insensitive map does, at any size. */
class SmallHeadersMapTest {

    @Test
    void namesAreComparedIgnoringCaseAndKeepTheirFirstSpelling() {
        SmallHeadersMap headers = new SmallHeadersMap();
        headers.put("X-Authorization", "first");

        assertThat(headers.get("x-authorization")).isEqualTo("first");
        assertThat(headers.containsKey("X-AUTHORIZATION")).isTrue();
        assertThat(headers.put("x-AUTHORIZATION", "second")).isEqualTo("first");
        assertThat(headers).hasSize(1).containsEntry("X-Authorization", "second");
        assertThat(headers.get("X-Authorizatio")).isNull();
        assertThat(headers.get(42)).isNull();
        assertThat(headers.remove("X-AUTHORIZATION")).isEqualTo("second");
        assertThat(headers).isEmpty();
    }

    @Test
    void iterationFollowsInsertionAndRemovesThroughIteratorsAndKeySet() {
        SmallHeadersMap headers = new SmallHeadersMap();
        headers.put("b", 1);
        headers.put("a", 2);
        headers.put("c", 3);
        headers.put("d", 4);
        assertThat(new ArrayList<>(headers.keySet())).containsExactly("b", "a", "c", "d");

        for (Iterator<Map.Entry<String, Object>> it = headers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> entry = it.next();
            if (entry.getKey().equals("a")) {
                it.remove();
            } else {
                entry.setValue((Integer) entry.getValue() * 10);
            }
        }
        assertThat(headers.keySet().remove("C")).isTrue();
        assertThat(headers.keySet().remove("zz")).isFalse();
        assertThat(headers.keySet().contains("D")).isTrue();
        assertThat(headers).containsExactly(Map.entry("b", 10), Map.entry("d", 40));
        headers.keySet().removeIf(name -> name.equals("b"));
        assertThat(headers).containsOnlyKeys("d");
    }

    @Test
    void changingTheMapWhileIteratingIsReported() {
        SmallHeadersMap headers = new SmallHeadersMap();
        headers.put("a", 1);
        headers.put("b", 2);
        Iterator<String> names = headers.keySet().iterator();
        names.next();
        headers.put("c", 3);

        assertThatThrownBy(names::next).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void aNullNameIsRefusedANullValueKept() {
        SmallHeadersMap headers = new SmallHeadersMap();

        assertThatThrownBy(() -> headers.put(null, "v")).isInstanceOf(NullPointerException.class);
        headers.put("Empty", null);
        assertThat(headers.containsKey("empty")).isTrue();
        assertThat(headers.keySet().remove("EMPTY")).isTrue();
        assertThat(headers).isEmpty();
    }

    /** Random operations on both maps, across the size where the small map hands over to Camel's. */
    @Test
    void agreesWithCamelsMapOverRandomOperationsAtEverySize() {
        Random random = new Random(20261130);
        for (int round = 0; round < 200; round++) {
            SmallHeadersMap small = new SmallHeadersMap();
            Map<String, Object> camel = new CaseInsensitiveMap();
            int names = 5 + random.nextInt(60);
            for (int op = 0; op < 300; op++) {
                String name = spelling(random, "H" + random.nextInt(names));
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> assertThat(small.put(name, op)).isEqualTo(camel.put(name, op));
                    case 3 -> assertThat(small.remove(name)).isEqualTo(camel.remove(name));
                    case 4 -> assertThat(small.get(name)).isEqualTo(camel.get(name));
                    default -> assertThat(small.containsKey(name)).isEqualTo(camel.containsKey(name));
                }
                assertThat(small.size()).isEqualTo(camel.size());
            }
            assertThat(small).isEqualTo(camel);
            assertThat(new SmallHeadersMap(small)).isEqualTo(camel);
            assertThat(new SmallHeadersMap(camel)).isEqualTo(camel);
        }
    }

    @Test
    void beyondTheScanLimitItKeepsEveryHeader() {
        SmallHeadersMap headers = new SmallHeadersMap();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < SmallHeadersMap.SCAN_LIMIT * 3; i++) {
            headers.put("Header-" + i, i);
            expected.put("Header-" + i, i);
        }

        assertThat(headers).hasSize(expected.size()).containsAllEntriesOf(expected);
        assertThat(headers.get("HEADER-77")).isEqualTo(77);
        headers.keySet().removeIf(name -> name.endsWith("7"));
        assertThat(headers.containsKey("header-17")).isFalse();
        headers.clear();
        assertThat(headers).isEmpty();
    }

    @Test
    void camelFindsItForEveryMessage() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            Message message = new DefaultMessage(camel);
            message.setHeader("CamelHttpMethod", "GET");

            assertThat(camel.getCamelContextExtension().getHeadersMapFactory()).isInstanceOf(SmallHeadersMapFactory.class);
            assertThat(message.getHeaders()).isInstanceOf(SmallHeadersMap.class);
            assertThat(message.getHeader("camelhttpmethod")).isEqualTo("GET");
        }
    }

    private static String spelling(Random random, String name) {
        List<Character> chars = new ArrayList<>();
        for (char c : name.toCharArray()) {
            chars.add(random.nextBoolean() ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        StringBuilder out = new StringBuilder();
        chars.forEach(out::append);
        return out.toString();
    }
}
