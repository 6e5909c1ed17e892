package dev.caravan.http;

import java.nio.file.Path;

/**
 * A request body as the traffic server received it, before any route looked at it: the bytes
 * in memory (a body up to {@link TrafficLimits#bodyMemoryThreshold()}), or the temporary file a
 * larger body was written to ({@code file}, {@code length} bytes; deleted when the call ends), or
 * the fact that the client sent or announced more than the limit (then nothing was kept).
 */
public record ReceivedBody(byte[] bytes, boolean tooLarge, Path file, long length) {
    public static final ReceivedBody EMPTY = new ReceivedBody(new byte[0], false);
    public static final ReceivedBody TOO_LARGE = new ReceivedBody(new byte[0], true);

    public ReceivedBody(byte[] bytes, boolean tooLarge) {
        this(bytes, tooLarge, null, bytes.length);
    }

    static ReceivedBody inFile(Path file, long length) {
        return new ReceivedBody(null, false, file, length);
    }

    /** Whether the body is in a temporary file rather than in memory. */
    public boolean inFile() {
        return file != null;
    }
}
