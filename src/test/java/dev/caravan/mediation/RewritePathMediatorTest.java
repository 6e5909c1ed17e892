package dev.caravan.mediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static void checkReplacement(String pattern, String replacement) {
        MediationParameters.validate("rewrite-path", java.util.Map.of("pattern", pattern, "replacement", replacement));
    }

    @Test
    void aReplacementOfPathCharactersAndGroupReferencesIsAccepted() {
        for (String replacement : new String[] {"/v2/item/$1", "/a-b_c.d~e/!\\$&'()*+,;=:@", "/x%2a/$1$2", "/\\$1",
                "/${id}", "", "/RAW(x)"}) {
            assertThatCode(() -> checkReplacement("^/svc/(?<id>\\d+)/(x)$", replacement)).as(replacement)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aReplacementThatIsNoPathOrNamesAMissingGroupIsRefusedNamingTheParameter() {
        for (String replacement : new String[] {"${env:HOME}", "/${properties:caravan.admin.password}", "$simple{x}",
                "/#{1+1}", "/$2", "/${missing}", "/a b", "/a?b", "/end$", "/end\\", "/%zz", "/{x}"}) {
            assertThatThrownBy(() -> checkReplacement("^/svc/(\\d+)$", replacement)).as(replacement)
                    .isInstanceOf(MediationConfigException.class)
                    .hasMessageStartingWith("rewrite-path: parameter 'replacement' ")
                    .hasMessageNotContaining(replacement.length() > 3 ? replacement : "\u0000");
        }
    }
}
