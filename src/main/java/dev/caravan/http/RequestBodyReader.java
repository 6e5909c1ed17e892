package dev.caravan.http;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code read-request-body} step of a route whose endpoint defers its body
 * ({@code caravan-http:...?deferBody=true}): reads the body the consumer left unread while the
 * steps before this one looked at the request head, without blocking, and carries on with the
 * {@link ReceivedBody} as the message body. Any other body (already read, or an exchange that did
 * not come from the traffic port) passes unchanged.
 */
public final class RequestBodyReader extends AsyncProcessorSupport {
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (exchange.getIn().getBody() instanceof PendingBody pending) {
            return pending.read(exchange, callback);
        }
        callback.done(true);
        return true;
    }
}
