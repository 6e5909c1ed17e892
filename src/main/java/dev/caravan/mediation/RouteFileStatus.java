package dev.caravan.mediation;

import java.time.Instant;
import java.util.List;

/**
 * What became of one route file.
 *
 * @param path        the file, as found in its directory
 * @param state       {@code LOADED}: its current content serves; {@code REFUSED}: its current content
 *                    was refused and {@code routeIds}/{@code templateIds} are those of the previous
 *                    version, which keeps serving (none if there was no good previous version)
 * @param routeIds    routes this file has in the CamelContext now
 * @param templateIds route templates this file has in the CamelContext now
 * @param error       why the current content was refused ({@code file:line: message}); null when loaded
 * @param loadedAt    when the serving version was loaded; null if none ever was
 */
public record RouteFileStatus(
        String path,
        State state,
        List<String> routeIds,
        List<String> templateIds,
        String error,
        Instant loadedAt) {

    public enum State { LOADED, REFUSED }

    public RouteFileStatus {
        routeIds = List.copyOf(routeIds);
        templateIds = List.copyOf(templateIds);
    }
}
