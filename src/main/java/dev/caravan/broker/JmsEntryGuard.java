package dev.caravan.broker;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first step of every JMS route (whose endpoint has {@code mapJmsMessage=false}): turns the
 * raw JMS message into a String body if it is a text or bytes message within the size limit, and
 * refuses anything else without ever calling {@code ObjectMessage.getObject()}, so no Java
 * deserialization can happen (CVE-2026-40860).
 */
public class JmsEntryGuard implements Processor {
    private final int maxBytes;

    public JmsEntryGuard(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Object body = exchange.getIn().getBody();
        exchange.getIn().setBody(text(body));
    }

    String text(Object body) throws JMSException {
        if (body instanceof TextMessage message) {
            String text = message.getText();
            if (text == null) {
                throw new RefusedMessageException("empty text message");
            }
            if (text.length() > maxBytes) {
                throw new RefusedMessageException("message larger than " + maxBytes + " bytes");
            }
            return text;
        }
        if (body instanceof BytesMessage message) {
            long length = message.getBodyLength();
            if (length > maxBytes) {
                throw new RefusedMessageException("message larger than " + maxBytes + " bytes");
            }
            byte[] bytes = new byte[(int) length];
            message.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (body instanceof Message message) {
            throw new RefusedMessageException("only text and bytes messages are accepted, not "
                    + message.getClass().getSimpleName().replace("Impl", ""));
        }
        if (body instanceof String text && text.length() <= maxBytes) {
            return text;
        }
        throw new RefusedMessageException("only text and bytes messages are accepted");
    }

    /** A message refused at the entry of a JMS route; its text is safe to log. */
    public static class RefusedMessageException extends RuntimeException {
        public RefusedMessageException(String message) {
            super(message, null, false, false);
        }
    }
}
