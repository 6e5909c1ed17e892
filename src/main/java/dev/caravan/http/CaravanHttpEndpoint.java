package dev.caravan.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link CaravanHttpComponent}. Consumer only. */
public class CaravanHttpEndpoint extends DefaultEndpoint {
    private final String path;
    private boolean prefix;
    private boolean blocking;
    private boolean deferBody;
    private long maxBodySize = 10L * 1024 * 1024;
    private Set<String> methods = Set.of();

    CaravanHttpEndpoint(String uri, CaravanHttpComponent component, String path) {
        super(uri, component);
        this.path = path;
    }

    @Override
    public CaravanHttpComponent getComponent() {
        return (CaravanHttpComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("caravan-http is a consumer only");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        CaravanHttpConsumer consumer = new CaravanHttpConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getPath() {
        return path;
    }

    public boolean isPrefix() {
        return prefix;
    }

    /** Serve every path under this one. */
    public void setPrefix(boolean prefix) {
        this.prefix = prefix;
    }

    public boolean isBlocking() {
        return blocking;
    }

    /** Run the route on a worker thread (it may block: password hashing, database). */
    public void setBlocking(boolean blocking) {
        this.blocking = blocking;
    }

    public boolean isDeferBody() {
        return deferBody;
    }

    /**
     * Run the route on the request head, the body unread: the route's {@code read-request-body}
     * step ({@link RequestBodyReader}) reads it, after the checks before it; a call answered before
     * that step closes its connection, its body never read. Not for blocking routes.
     */
    public void setDeferBody(boolean deferBody) {
        this.deferBody = deferBody;
    }

    public long getMaxBodySize() {
        return maxBodySize;
    }

    /** Bodies larger than this are not buffered; the route sees {@link ReceivedBody#TOO_LARGE}. */
    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public Set<String> getMethods() {
        return methods;
    }

    /** Comma-separated methods answered; others get 405 with {@code Allow}. Empty: all. */
    public void setMethods(String methods) {
        this.methods = Arrays.stream(methods.split(","))
                .map(m -> m.trim().toUpperCase(Locale.ROOT))
                .filter(m -> !m.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
