package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testsupport.PlainExchange;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

class RewritePathMediatorTest {
    private final RewritePathMediator mediator = new RewritePathMediator();

    private String rewrite(String pattern, String replacement, String path) {
        Exchange exchange = PlainExchange.create();
        exchange.setProperty(MediationParameters.PREFIX + "pattern", pattern);
        exchange.setProperty(MediationParameters.PREFIX + "replacement", replacement);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
        mediator.process(exchange);
        assertThat(exchange.getProperties()).doesNotContainKeys(
                MediationParameters.PREFIX + "pattern", MediationParameters.PREFIX + "replacement");
        return exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
    }

    @Test
    void eachPatternIsCompiledOnceWhateverTheNumberOfCalls() {
        for (int i = 0; i < 5; i++) {
            assertThat(rewrite("^/v2/", "/v3/", "/v2/items/" + i)).isEqualTo("/v3/items/" + i);
            assertThat(rewrite("^/old/", "/new/", "/old/" + i)).isEqualTo("/new/" + i);
        }
        assertThat(mediator.compiledPatterns()).isEqualTo(2);
    }
}
