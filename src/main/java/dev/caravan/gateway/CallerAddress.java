package dev.caravan.gateway;

import dev.caravan.http.Cidr;
import dev.caravan.http.InboundRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client that made a call. The connection's peer, unless that peer is a
 * configured trusted proxy: then the right-most {@code X-Forwarded-For} entry that is not a
 * trusted proxy (entries further left were written by the client and prove nothing).
 */
final class CallerAddress {
    private CallerAddress() {}

    /** The caller's address bytes, or null when it cannot be told (then no allow-list admits it). */
    static byte[] of(InboundRequest request, List<Cidr> trustedProxies) {
        byte[] peer = Cidr.address(request.remoteAddress());
        if (peer == null || trustedProxies.isEmpty() || !Cidr.anyContains(trustedProxies, peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : request.headerValues("X-Forwarded-For")) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        byte[] caller = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = Cidr.address(hops.get(i));
            if (hop == null) {
                return null;
            }
            caller = hop;
            if (!Cidr.anyContains(trustedProxies, hop)) {
                return hop;
            }
        }
        return caller;
    }
}
