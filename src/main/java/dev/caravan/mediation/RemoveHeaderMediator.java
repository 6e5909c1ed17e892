package dev.caravan.mediation;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The {@code remove-header} template's step: removes {@code header} (its name matched in any
 * case). The name comes as a constant, never through a step that would evaluate it; a name that
 * is not an HTTP token or names a Camel, Caravan or hop-by-hop header is refused (at first use,
 * or earlier through {@link MediationParameters#validate}).
 */
@Component("removeHeaderMediator")
public class RemoveHeaderMediator implements Processor {
    static final String TEMPLATE = "remove-header";

    @Override
    public void process(Exchange exchange) {
        String header = MediationParameters.take(exchange, TEMPLATE, "header");
        MediationParameters.checkHeaderName(TEMPLATE, header);
        exchange.getMessage().removeHeader(header);
    }
}
