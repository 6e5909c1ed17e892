package dev.caravan.userstore;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one definition of how a username typed at login (or given to the admin API) becomes the
 * name Caravan works with, and of the forms derived from it. Nothing else in Caravan trims,
 * lower-cases or compares usernames by its own rules.
 *
 * <ul>
 * <li>{@link #normalize}: refuses control characters, invisible format characters (bidi
 *     controls, zero-width space, byte-order mark; ZWJ and ZWNJ, which Persian and Indic
 *     scripts need, are kept), lone surrogates, private-use and unassigned code points; then
 *     Unicode NFC; every kind of white space becomes one space, runs of it collapse to one and
 *     leading and trailing ones go, as LDAP's matching rules treat insignificant spaces
 *     (RFC 4518 §2.6.1).</li>
 * <li>{@link #lowerCase}: the name of a user of a case-insensitive store (LDAP and Active
 *     Directory by default): the normalized name in lower case (Unicode, locale-independent).</li>
 * <li>{@link #key}: a deliberately coarse comparison key (compatibility-normalized (NFKC),
 *     case-folded, with the characters LDAP's string preparation ignores removed, RFC 4518 §2.2).
 *     Two spellings that any directory's case-insensitive matching takes for one name have one
 *     key, so the failed-login counter, which is keyed by it, cannot be dodged by respelling a
 *     name. The primary store's usernames are unique by this key within an organization.</li>
 * </ul>
 */
public final class Usernames {
    /** The longest {@link #key} the primary store holds (NFKC can lengthen a name). */
    public static final int MAX_KEY_LENGTH = 1024;

    private Usernames() {}

    /** The normalized name, or null if the value has a refused character or is empty once normalized. */
    public static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            if (refused(cp)) {
                return null;
            }
            i += Character.charCount(cp);
        }
        String collapsed = collapseSpaces(Normalizer.normalize(raw, Normalizer.Form.NFC));
        return collapsed.isEmpty() ? null : collapsed;
    }

    /** Whether a code point may never be part of a username. */
    static boolean refused(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED:
                return true;
            case Character.FORMAT:
                return cp != 0x200C && cp != 0x200D; // ZWNJ and ZWJ are letters' business in some scripts
            default:
                return false;
        }
    }

    /** A normalized name as a case-insensitive store names its user: in lower case, still NFC. */
    public static String lowerCase(String normalized) {
        return Normalizer.normalize(normalized.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    /**
     * The comparison key of a normalized name: ignorable characters removed, NFKC, case-folded
     * (upper case, then lower case, so {@code STRASSE} and {@code straße} meet), NFKC again,
     * white space collapsed again (NFKC can make spaces).
     */
    public static String key(String normalized) {
        StringBuilder kept = new StringBuilder(normalized.length());
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (!ignorable(cp)) {
                kept.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        String compatible = Normalizer.normalize(kept, Normalizer.Form.NFKC);
        String folded = compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return collapseSpaces(Normalizer.normalize(folded, Normalizer.Form.NFKC));
    }

    /** Characters LDAP's string preparation maps to nothing (RFC 4518 §2.2), and ZWJ/ZWNJ. */
    private static boolean ignorable(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180E)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0xFFFC
                || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)
                || Character.getType(cp) == Character.FORMAT;
    }

    private static boolean space(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static String collapseSpaces(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean pending = false;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (space(cp)) {
                pending = out.length() > 0;
            } else {
                if (pending) {
                    out.append(' ');
                    pending = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }
}
