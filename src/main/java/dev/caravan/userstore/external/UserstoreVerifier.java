package dev.caravan.userstore.external;

import dev.caravan.userstore.StoreUnavailableException;
import dev.caravan.userstore.Verification;
import java.util.Arrays;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The step of a verification route that asks the organization's store and writes the reply.
 * A request for another organization than the queue's is refused: a queue serves exactly one
 * organization. Store failures become an {@code unavailable} reply, never a rejection.
 */
@Component("userstoreVerifier")
public class UserstoreVerifier implements Processor {
    private static final Logger log = LoggerFactory.getLogger(UserstoreVerifier.class);
    public static final String SERVED_ORGANIZATION = "caravanServedOrganization";

    private final ServedUserStores served;

    public UserstoreVerifier(ServedUserStores served) {
        this.served = served;
    }

    @Override
    public void process(Exchange exchange) {
        String servedOrganization = exchange.getProperty(SERVED_ORGANIZATION, String.class);
        String reply;
        UserstoreMessages.Request request = null;
        try {
            request = UserstoreMessages.parseRequest(exchange.getIn().getBody(String.class));
            reply = answer(servedOrganization, request);
        } catch (IllegalArgumentException e) {
            log.warn("refused a userstore request on the queue of '{}': {}", servedOrganization, e.getMessage());
            reply = UserstoreMessages.unavailableReply("malformed userstore request");
        } finally {
            if (request != null && request.password() != null) {
                Arrays.fill(request.password(), '\0');
            }
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(reply);
    }

    private String answer(String servedOrganization, UserstoreMessages.Request request) {
        if (!request.organization().equals(servedOrganization)) {
            return UserstoreMessages.unavailableReply("this queue serves another organization");
        }
        var store = served.store(servedOrganization);
        if (store.isEmpty()) {
            return UserstoreMessages.unavailableReply("userstore not served here");
        }
        try {
            if (request.op().equals("verify")) {
                Verification verdict = store.get().verify(request.organization(), request.username(), request.password());
                return UserstoreMessages.reply(verdict);
            }
            return UserstoreMessages.lookupReply(store.get().lookup(request.organization(), request.username()));
        } catch (StoreUnavailableException e) {
            return UserstoreMessages.unavailableReply(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("userstore of organization '{}' failed: {}", servedOrganization, e.getClass().getSimpleName());
            return UserstoreMessages.unavailableReply("userstore failed");
        }
    }
}
