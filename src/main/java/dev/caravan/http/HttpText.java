package dev.caravan.http;

import io.netty.util.AsciiString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The character rules of HTTP text the gateway checks in several places (admin input, API
 * policies, backend security profiles, mediator parameters, outgoing backend headers).
 */
public final class HttpText {
    private HttpText() {}

    /** tchar (RFC 9110 §5.6.2) by character; everything from 128 up is not one. */
    private static final boolean[] TCHAR = new boolean[128];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long DELETES = 0x7F7F7F7F7F7F7F7FL;

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /** An RFC 9110 §5.6.2 token (a header or method name): one or more tchar. */
    public static boolean isToken(CharSequence text) {
        if (text == null || text.length() == 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text holds an ISO control character (U+0000–U+001F, U+007F–U+009F). */
    public static boolean hasControl(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the text may stand as a header field's value on the wire: no control character
     * but horizontal tab (so no CR, LF or NUL: nothing that could end the line or split the
     * message) and no DEL (RFC 9110 §5.5). Other characters pass: obs-text (U+0080–U+00FF) is
     * allowed by the RFC, and Netty writes anything above U+00FF as {@code '?'}.
     *
     * <p>An {@link AsciiString}'s bytes are looked at eight at a time: a header value is
     * mostly a kilobyte-long token, scanned on every call.
     */
    public static boolean isFieldValue(CharSequence text) {
        if (text instanceof AsciiString ascii) {
            return isFieldValue(ascii.array(), ascii.arrayOffset(), ascii.length());
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isFieldValueChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #isFieldValue(CharSequence)} for {@code length} bytes from {@code offset}. */
    static boolean isFieldValue(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            // a byte below 0x20 ("has less than" trick) or a byte equal to 0x7F ("has zero" of
            // word ^ DELETES): exact as to whether there is one; the rare hit (a tab) is then
            // looked at byte by byte
            long below = (word - SPACES) & ~word & HIGH_BITS;
            long deletes = word ^ DELETES;
            long delete = (deletes - ONES) & ~deletes & HIGH_BITS;
            if ((below | delete) != 0 && !bytewise(bytes, i, i + Long.BYTES)) {
                return false;
            }
        }
        return bytewise(bytes, i, end);
    }

    private static boolean bytewise(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isFieldValueChar((char) (bytes[i] & 0xFF))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFieldValueChar(char c) {
        return (c >= 0x20 || c == '\t') && c != 0x7F;
    }
}
