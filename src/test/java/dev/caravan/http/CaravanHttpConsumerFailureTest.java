package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

/** Which unanswered route failures a caller may retry (503) rather than see as a server error (500). */
class CaravanHttpConsumerFailureTest {

    @Test
    void aRouteRefusingTheExchangeIsTemporary() {
        assertThat(CaravanHttpConsumer.rejected(new RejectedExecutionException())).isTrue();
        assertThat(CaravanHttpConsumer.rejected(
                new CamelExecutionException("stopping", null, new RejectedExecutionException()))).isTrue();
    }

    @Test
    void anythingElseIsAServerError() {
        assertThat(CaravanHttpConsumer.rejected(new IllegalStateException("bug"))).isFalse();
        assertThat(CaravanHttpConsumer.rejected(new RuntimeException(new IllegalArgumentException()))).isFalse();
    }
}
