package dev.caravan.mediation;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The {@code set-header} template's step: sets {@code header} to {@code value}, replacing any
 * header of that name in any case. Refuses (at first use, or earlier through
 * {@link MediationParameters#validate}) a name that is not an HTTP token, names a Camel or
 * Caravan header or a hop-by-hop one, and a value with CR, LF or NUL.
 */
@Component("setHeaderMediator")
public class SetHeaderMediator implements Processor {
    static final String TEMPLATE = "set-header";

    @Override
    public void process(Exchange exchange) {
        String header = MediationParameters.take(exchange, TEMPLATE, "header");
        String value = MediationParameters.take(exchange, TEMPLATE, "value");
        check(header, value);
        exchange.getMessage().setHeader(header, value);
    }

    static void check(String header, String value) {
        MediationParameters.checkHeaderName(TEMPLATE, header);
        if (value == null) {
            throw new MediationConfigException(TEMPLATE, "value", "is missing");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new MediationConfigException(TEMPLATE, "value", "contains CR, LF or NUL");
            }
        }
    }
}
