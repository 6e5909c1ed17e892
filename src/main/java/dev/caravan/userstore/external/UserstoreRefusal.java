package dev.caravan.userstore.external;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The error step of the verification routes: a message refused at the entry (an ObjectMessage,
 * an oversize one) or any other failure is answered {@code unavailable}, so the asking side gets
 * a reply at once instead of waiting for its timeout. The failure's text is logged without the
 * message body.
 */
@Component("userstoreRefusal")
public class UserstoreRefusal implements Processor {
    private static final Logger log = LoggerFactory.getLogger(UserstoreRefusal.class);

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // only the refusal's own text is logged: other exceptions may quote the body, which holds a password
        log.warn("userstore verification route refused a message: {}",
                cause instanceof dev.caravan.broker.JmsEntryGuard.RefusedMessageException
                        ? cause.getMessage() : cause == null ? "unknown" : cause.getClass().getSimpleName());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(UserstoreMessages.unavailableReply("userstore request refused"));
    }
}
