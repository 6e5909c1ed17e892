package dev.caravan.testsupport;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * A plain exchange for mediator unit tests. Its context is started once: only a started
 * context gives messages Camel's case-insensitive header map (an unstarted one falls back to a
 * {@code HashMap}), and the gateway always runs on a started context.
 */
public final class PlainExchange {
    private static final CamelContext CONTEXT = started();

    private PlainExchange() {}

    /** The started context every plain exchange belongs to (mediation routes can be added to it). */
    public static CamelContext context() {
        return CONTEXT;
    }

    public static Exchange create() {
        return new DefaultExchange(CONTEXT);
    }

    private static CamelContext started() {
        DefaultCamelContext context = new DefaultCamelContext();
        context.start();
        return context;
    }
}
