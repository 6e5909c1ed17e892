package dev.caravan.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The request paths an API serves: everything under {@code /{context}/{version}/}. Two APIs
 * overlap when the segments of one's {@code context/version} are a prefix of (or equal to) the
 * other's, e.g. {@code /maps} version {@code eu} and {@code /maps/eu} version {@code 1.0}: a call to
 * {@code /maps/eu/1.0/x} could then be either's, and the gateway would answer it for the shorter
 * one. Such APIs are never both created (any organization), and stored ones are reported.
 */
public final class ApiPaths {
    private ApiPaths() {}

    /** Two APIs whose paths overlap; the calls of both reach {@code shorter}. */
    public record Overlap(ApiDefinition shorter, ApiDefinition longer) {}

    /** {@code /context/version/}: segments never hold '/', so a string prefix of it is a segment prefix. */
    public static String served(String context, String version) {
        return context + "/" + version + "/";
    }

    public static String served(ApiDefinition api) {
        return served(api.context(), api.version());
    }

    public static boolean overlap(String context, String version, ApiDefinition other) {
        String mine = served(context, version);
        String theirs = served(other);
        return mine.startsWith(theirs) || theirs.startsWith(mine);
    }

    /** The first segment of a context ({@code maps} of {@code /maps/eu}): overlapping APIs share it. */
    public static String firstSegment(String context) {
        int end = context.indexOf('/', 1);
        return end < 0 ? context.substring(1) : context.substring(1, end);
    }

    /**
     * Every overlapping pair among {@code apis}. Sorted by served path, the paths starting with
     * one path follow it directly, so this costs a sort plus the overlaps found.
     */
    public static List<Overlap> overlaps(Collection<ApiDefinition> apis) {
        List<ApiDefinition> sorted = new ArrayList<>(apis);
        sorted.sort(Comparator.comparing(ApiPaths::served));
        List<Overlap> overlaps = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            String prefix = served(sorted.get(i));
            for (int j = i + 1; j < sorted.size() && served(sorted.get(j)).startsWith(prefix); j++) {
                overlaps.add(new Overlap(sorted.get(i), sorted.get(j)));
            }
        }
        return overlaps;
    }
}
