package dev.caravan.gateway;

import dev.caravan.http.Responses;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.jwt.BackendJwts;
import dev.caravan.registry.ApiPolicy;
import dev.caravan.registry.LiveRegistry.ClientApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The {@code forward-backend} step of an API whose backend is an Artemis queue
 * ({@code queue:<name>}). The request body goes out as a JMS bytes message carrying only what the
 * gateway sets: {@code ContentType}, {@code GatewayMethod}, {@code GatewayPath},
 * {@code GatewayApi}, {@code GatewayApplication}, {@code GatewayEndUser} and the backend JWT as
 * {@code GatewayJwtAssertion}; never a caller's header.
 * <ul>
 *   <li>fire-and-forget: persistent message; the caller gets {@code 202} and {@code {"messageId": ...}}
 *   once the broker accepted it;</li>
 *   <li>request-reply: non-persistent request living as long as the timeout, reply on a temporary
 *   queue; the reply's body (and its {@code ContentType} property) is the answer, {@code 504} after
 *   the timeout.</li>
 * </ul>
 * Sending can block on the broker, so it runs on a small bounded pool, never on the event loop;
 * a full pool is {@code 503}.
 */
@Component
public class QueueForwarder implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(QueueForwarder.class);
    private static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}( *;[ -~&&[^\"\\\\]]{0,200})?");

    private final CamelContext camel;
    private final String jwtHeader;
    private final Map<String, AsyncProducer> producers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor senders;

    public QueueForwarder(CamelContext camel, BackendJwts backendJwts) {
        this.camel = camel;
        this.jwtHeader = backendJwts.header();
        AtomicInteger count = new AtomicInteger();
        this.senders = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), r -> {
            Thread thread = new Thread(r, "caravan-queue-sender-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.senders.allowCoreThreadTimeOut(true);
    }

    public boolean process(Exchange exchange, AsyncCallback callback) {
        ApiRuntime runtime = exchange.getProperty(GatewayMediators.RUNTIME, ApiRuntime.class);
        ApiPolicy.Queue queue = runtime.policy().queue() == null
                ? ApiPolicy.Queue.DEFAULT
                : runtime.policy().queue();
        boolean reply = queue.mode() == ApiPolicy.QueueMode.REQUEST_REPLY;
        Exchange send = message(exchange, runtime, reply);
        try {
            senders.execute(() -> {
                try {
                    producer(runtime.backend().queue(), reply, queue.timeout().toMillis()).process(send, doneSync -> {
                        complete(exchange, send, reply);
                        callback.done(false);
                    });
                } catch (Exception e) {
                    exchange.setException(e);
                    callback.done(false);
                }
            });
        } catch (RejectedExecutionException e) {
            exchange.setException(new GatewayException(503, "backend_busy", "the queue backend is busy, try again", null));
            callback.done(true);
            return true;
        }
        return false;
    }

    private Exchange message(Exchange exchange, ApiRuntime runtime, boolean reply) {
        Message in = exchange.getIn();
        Exchange send = new DefaultExchange(camel, reply ? ExchangePattern.InOut : ExchangePattern.InOnly);
        Message out = send.getIn();
        Object body = in.getBody();
        out.setBody(body instanceof byte[] bytes ? bytes : new byte[0]);
        String contentType = in.getHeader("Content-Type", String.class);
        if (contentType != null && CONTENT_TYPE.matcher(contentType).matches()) {
            out.setHeader("ContentType", contentType);
        }
        out.setHeader("GatewayMethod", String.valueOf(in.getHeader(Exchange.HTTP_METHOD)));
        out.setHeader("GatewayPath", runtime.api().context() + "/" + runtime.api().version()
                + exchange.getProperty(GatewayMediators.API, dev.caravan.registry.LiveRegistry.ResolvedApi.class).remainingPath());
        out.setHeader("GatewayApi", runtime.api().context() + "/" + runtime.api().version());
        ClientApp client = exchange.getProperty(GatewayMediators.CLIENT, ClientApp.class);
        if (client != null) {
            out.setHeader("GatewayApplication", client.application().name());
        }
        AccessTokenClaims user = exchange.getProperty(GatewayMediators.USER_TOKEN, AccessTokenClaims.class);
        AccessTokenClaims token = user != null ? user : exchange.getProperty(GatewayMediators.TOKEN, AccessTokenClaims.class);
        if (token != null && token.isEndUserToken()) {
            out.setHeader("GatewayEndUser", token.username() + "@" + token.organization());
        }
        Object jwt = in.getHeader(jwtHeader);
        if (jwt != null) {
            out.setHeader("GatewayJwtAssertion", jwt.toString());
        }
        return send;
    }

    private void complete(Exchange exchange, Exchange send, boolean reply) {
        Exception failure = send.getException();
        if (failure != null) {
            if (failure instanceof ExchangeTimedOutException) {
                exchange.setException(new GatewayException(504, "backend_timeout", "the queue consumer did not reply in time", null));
            } else {
                log.warn("queue backend unavailable: {}", failure.getClass().getName());
                exchange.setException(new GatewayException(502, "backend_unavailable", "the queue could not be reached", null));
            }
            return;
        }
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        if (!reply) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("messageId", send.getIn().getHeader("JMSMessageID", String.class));
            Responses.json(exchange, 202, body);
            return;
        }
        Message answer = send.getMessage();
        byte[] bytes = answer.getBody(byte[].class);
        String contentType = answer.getHeader("ContentType", String.class);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader("Content-Type", contentType != null && CONTENT_TYPE.matcher(contentType).matches()
                ? contentType : "application/octet-stream");
        out.setBody(bytes == null ? new byte[0] : bytes);
    }

    private AsyncProducer producer(String queue, boolean reply, long timeoutMillis) throws Exception {
        String uri = reply
                ? "jms:queue:" + queue + "?exchangePattern=InOut&jmsMessageType=Bytes&deliveryPersistent=false"
                        + "&requestTimeout=" + timeoutMillis + "&timeToLive=" + timeoutMillis
                : "jms:queue:" + queue + "?exchangePattern=InOnly&jmsMessageType=Bytes&deliveryPersistent=true"
                        + "&includeSentJMSMessageID=true&disableReplyTo=true";
        AsyncProducer producer = producers.get(uri);
        if (producer == null) {
            synchronized (producers) {
                producer = producers.get(uri);
                if (producer == null) {
                    producer = camel.getEndpoint(uri).createAsyncProducer();
                    ServiceHelper.startService(producer);
                    producers.put(uri, producer);
                }
            }
        }
        return producer;
    }

    @Override
    public void destroy() {
        senders.shutdownNow();
        producers.values().forEach(ServiceHelper::stopService);
    }
}
