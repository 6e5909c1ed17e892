package dev.caravan.userstore.external;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The asynchronous producer of the verification request route ({@code direct:userstore-verify},
 * routes/userstore-verification.yaml), shared by every organization's {@link RemoteUserStore} and
 * started on first use: its caller gets the reply through a callback, no thread waits for it.
 */
public final class RequestSender {
    private final CamelContext camel;
    private final String endpointUri;
    private volatile AsyncProducer producer;

    public RequestSender(CamelContext camel, String endpointUri) {
        this.camel = camel;
        this.endpointUri = endpointUri;
    }

    CamelContext getCamelContext() {
        return camel;
    }

    AsyncProducer producer() {
        AsyncProducer current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    try {
                        AsyncProducer created = camel.getEndpoint(endpointUri).createAsyncProducer();
                        ServiceHelper.startService(created);
                        producer = created;
                    } catch (Exception e) {
                        throw new IllegalStateException("could not start the producer of " + endpointUri, e);
                    }
                }
                current = producer;
            }
        }
        return current;
    }

    void close() {
        AsyncProducer current = producer;
        producer = null;
        ServiceHelper.stopService(current);
    }
}
