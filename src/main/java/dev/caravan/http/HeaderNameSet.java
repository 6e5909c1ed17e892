package dev.caravan.http;

import java.util.Collection;
import java.util.Locale;

/**
 * A fixed set of header names matched case-insensitively without allocating: names are kept by
 * length, so a name of a length the set does not hold is decided without any comparison, and the
 * others are compared in place ({@code equalsIgnoreCase}), never lower-cased into a copy. Used on
 * every request and every answer header, where a lower-cased copy per lookup showed in profiles.
 */
final class HeaderNameSet {
    private static final String[] NONE = new String[0];
    private final String[][] byLength;

    HeaderNameSet(Collection<String> names) {
        int longest = names.stream().mapToInt(String::length).max().orElse(0);
        byLength = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int size = length;
            String[] sameLength = names.stream().filter(n -> n.length() == size)
                    .map(n -> n.toLowerCase(Locale.ROOT)).distinct().toArray(String[]::new);
            byLength[length] = sameLength.length == 0 ? NONE : sameLength;
        }
    }

    boolean contains(String name) {
        int length = name.length();
        if (length >= byLength.length) {
            return false;
        }
        for (String candidate : byLength[length]) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
