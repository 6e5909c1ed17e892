package dev.caravan.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class BoundedPoolTest {

    @Test
    void theRestOfTheExchangeRunsOnThePoolAndAThreadOfThePoolGoesOnWithoutAHandOff() throws Exception {
        try (BoundedPool pool = new BoundedPool("test-pool", 1, 1)) {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            AtomicReference<String> ranOn = new AtomicReference<>();
            AtomicReference<Boolean> againSync = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);

            boolean sync = pool.process(exchange, doneSync -> {
                ranOn.set(Thread.currentThread().getName());
                againSync.set(pool.process(exchange, inner -> { }));
                done.countDown();
            });

            assertThat(sync).isFalse();
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).startsWith("test-pool-");
            assertThat(againSync.get()).as("already on the pool: no hand-off").isTrue();
        }
    }

    @Test
    void whenEveryThreadIsBusyAndTheQueueFullThenTemporarilyUnavailableAtOnce() throws Exception {
        try (BoundedPool pool = new BoundedPool("busy-pool", 1, 1)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            DefaultCamelContext camel = new DefaultCamelContext();
            pool.process(new DefaultExchange(camel), doneSync -> {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            pool.process(new DefaultExchange(camel), doneSync -> { }); // queued

            Exchange refused = new DefaultExchange(camel);
            AtomicReference<Boolean> completedSync = new AtomicReference<>();
            boolean sync = pool.process(refused, completedSync::set);
            release.countDown();

            assertThat(sync).isTrue();
            assertThat(completedSync.get()).isTrue();
            assertThat(refused.getException()).isInstanceOf(OAuthException.class);
            OAuthException error = (OAuthException) refused.getException();
            assertThat(error.status()).isEqualTo(503);
            assertThat(error.error()).isEqualTo("temporarily_unavailable");
        }
    }
}
