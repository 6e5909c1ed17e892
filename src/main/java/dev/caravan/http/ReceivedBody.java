package dev.caravan.http;

/**
 * A request body as the traffic server received it, before any route looked at it: the bytes
 * (at most the endpoint's limit), or the fact that the client sent more than the limit (then
 * the rest was read and dropped, never buffered).
 */
public record ReceivedBody(byte[] bytes, boolean tooLarge) {
    public static final ReceivedBody EMPTY = new ReceivedBody(new byte[0], false);
    public static final ReceivedBody TOO_LARGE = new ReceivedBody(new byte[0], true);
}
