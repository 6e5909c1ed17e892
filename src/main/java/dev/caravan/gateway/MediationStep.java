package dev.caravan.gateway;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Runs one of an API's mediation flows on the call's exchange: each mediator instance in order,
 * asynchronously when a mediator is (no thread waits), stopping at the first failure, which the
 * gateway's error handling then answers. An API without mediation costs one list lookup.
 */
public final class MediationStep extends AsyncProcessorSupport {
    private final Function<ApiRuntime, List<AsyncProcessor>> flow;
    private final BiConsumer<Exchange, ApiRuntime> after;

    MediationStep(Function<ApiRuntime, List<AsyncProcessor>> flow, BiConsumer<Exchange, ApiRuntime> after) {
        this.flow = flow;
        this.after = after;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ApiRuntime runtime = exchange.getProperty(GatewayMediators.RUNTIME, ApiRuntime.class);
        return step(exchange, callback, runtime, flow.apply(runtime), 0, true);
    }

    private boolean step(Exchange exchange, AsyncCallback callback, ApiRuntime runtime, List<AsyncProcessor> mediators,
                         int index, boolean sync) {
        int i = index;
        while (i < mediators.size() && exchange.getException() == null) {
            int next = i + 1;
            boolean done = mediators.get(i).process(exchange, doneSync -> {
                if (!doneSync) {
                    step(exchange, callback, runtime, mediators, next, false);
                }
            });
            if (!done) {
                return false;
            }
            i = next;
        }
        if (exchange.getException() == null && after != null) {
            try {
                after.accept(exchange, runtime);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
        }
        callback.done(sync);
        return sync;
    }
}
