package dev.caravan.camel;

import java.util.Map;
import org.apache.camel.spi.HeadersMapFactory;

/**
 * Gives every Camel message a {@link SmallHeadersMap}. Found by Camel itself when a context is
 * created, through {@code META-INF/services/org/apache/camel/headers-map-factory} (the hook
 * Camel's own camel-headersmap uses; that one, measured here, was about twice as slow as
 * Camel's default map, this one about twice as fast).
 */
public class SmallHeadersMapFactory implements HeadersMapFactory {

    @Override
    public Map<String, Object> newMap() {
        return new SmallHeadersMap();
    }

    @Override
    public Map<String, Object> newMap(Map<String, Object> map) {
        return new SmallHeadersMap(map);
    }

    @Override
    public boolean isInstanceOf(Map<String, Object> map) {
        return map instanceof SmallHeadersMap;
    }

    @Override
    public boolean isCaseInsensitive() {
        return true;
    }
}
