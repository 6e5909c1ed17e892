package dev.caravan.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes the JSON answers of the traffic port. */
public final class Responses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {}

    public static void json(Exchange exchange, int status, Object body) {
        Message out = exchange.getMessage();
        try {
            out.setBody(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response could not be written", e);
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /**
     * A fixed JSON error body the traffic server writes itself, outside any route (the texts
     * hold no quote or backslash, so they need no escaping).
     */
    static Buffer errorBody(String error, String description) {
        return Buffer.buffer("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    }

    /** Token-endpoint answers carry secrets or errors about them: never cached (RFC 6749 §5.1). */
    public static void noStore(Exchange exchange) {
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setHeader("Pragma", "no-cache");
    }
}
