package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.PlainExchange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** How a failed API call is answered. */
class GatewayErrorResponseTest {

    private static Exchange failedWith(Throwable failure) {
        Exchange exchange = PlainExchange.create();
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        exchange.getIn().setHeader("CamelHttpUri", "http://backend.internal:8081/secret");
        exchange.getIn().setHeader("X-JWT-Assertion", "eyJ...");
        exchange.getIn().setBody("request body");
        return exchange;
    }

    private static JsonNode answer(Exchange exchange) throws IOException {
        new GatewayErrorResponse().process(exchange);
        return new ObjectMapper().readTree(exchange.getMessage().getBody(byte[].class));
    }

    @Test
    void classifyWhenARouteRefusesTheExchangeThenUnavailableToRetry() {
        // what Camel throws at a call that reaches a route while it stops (shutdown, file swap)
        GatewayException error = GatewayErrorResponse.classify(new org.apache.camel.CamelExecutionException(
                "stopping", null, new java.util.concurrent.RejectedExecutionException()));

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.error()).isEqualTo("temporarily_unavailable");
    }

    @Test
    void aBodyRefusedForLackOfMemoryIsUnavailableWithRetryAfter() throws IOException {
        Exchange exchange = failedWith(new dev.caravan.http.RequestBodies.UnavailableException(
                "the gateway holds too many request bodies; try again"));

        JsonNode body = answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(body.path("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(exchange.getMessage().getHeader("Retry-After")).isEqualTo("1");
    }

    @Test
    void aBodyTheClientDidNotFinishIsABadRequestNotAServerError() {
        GatewayException error = GatewayErrorResponse.classify(
                new dev.caravan.http.RequestBodies.UnreadableException("the request body was not received"));

        assertThat(error.status()).isEqualTo(400);
    }

    @Test
    void classifyWhenSocketTimesOutThenGatewayTimeout() {
        GatewayException error = GatewayErrorResponse.classify(
                new RuntimeException("wrapped", new SocketTimeoutException("Read timed out")));

        assertThat(error.status()).isEqualTo(504);
        assertThat(error.error()).isEqualTo("backend_timeout");
    }

    @Test
    void classifyWhenTimeoutIsWrappedInAnotherIoFailureThenStillGatewayTimeout() {
        GatewayException error = GatewayErrorResponse.classify(
                new java.io.IOException("outer", new SocketTimeoutException("Read timed out")));

        assertThat(error.status()).isEqualTo(504);
    }

    @Test
    void classifyWhenConnectionIsRefusedThenBadGateway() {
        GatewayException error = GatewayErrorResponse.classify(
                new ConnectException("Connection refused: backend.internal/10.1.2.3:8081"));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.error()).isEqualTo("backend_unavailable");
        assertThat(error.getMessage()).doesNotContain("backend.internal", "10.1.2.3", "8081", "refused");
    }

    @Test
    void classifyWhenAnythingElseFailsThenGenericServerError() {
        GatewayException error = GatewayErrorResponse.classify(
                new IllegalStateException("database password is hunter2"));

        assertThat(error.status()).isEqualTo(500);
        assertThat(error.error()).isEqualTo("server_error");
        assertThat(error.getMessage()).doesNotContain("hunter2", "IllegalState");
    }

    @Test
    void classifyWhenNothingWasCaughtThenGenericServerError() {
        assertThat(GatewayErrorResponse.classify(null).status()).isEqualTo(500);
    }

    @Test
    void classifyWhenGatewayExceptionThenItIsKept() {
        GatewayException forbidden = GatewayException.forbidden("subscription_required", "not subscribed");

        assertThat(GatewayErrorResponse.classify(forbidden)).isSameAs(forbidden);
    }

    @Test
    void answerWhenNoCredentialsThenBareBearerChallenge() throws IOException {
        Exchange exchange = failedWith(GatewayException.noCredentials());

        JsonNode body = answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(exchange.getMessage().getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"caravan\"");
        assertThat(body.path("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void answerWhenTokenIsInvalidThenChallengeNamesInvalidToken() throws IOException {
        Exchange exchange = failedWith(GatewayException.invalidToken("token expired"));

        JsonNode body = answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(exchange.getMessage().getHeader("WWW-Authenticate", String.class))
                .startsWith("Bearer realm=\"caravan\", error=\"invalid_token\"");
        assertThat(body.path("error").asText()).isEqualTo("invalid_token");
        assertThat(body.path("error_description").asText()).isEqualTo("token expired");
    }

    @Test
    void answerWhenRequestIsBadThenChallengeNamesInvalidRequest() throws IOException {
        Exchange exchange = failedWith(GatewayException.badRequest("the Authorization header is repeated"));

        answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(exchange.getMessage().getHeader("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"caravan\", error=\"invalid_request\"");
    }

    @Test
    void answerWhenBackendTimesOutThenGenericJsonAndNoRequestHeadersLeft() throws IOException {
        Exchange exchange = failedWith(new org.apache.camel.RuntimeCamelException(
                new SocketTimeoutException("Read timed out from 10.1.2.3:8081")));

        JsonNode body = answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(504);
        assertThat(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(exchange.getMessage().getHeaders())
                .containsOnlyKeys(Exchange.HTTP_RESPONSE_CODE, Exchange.CONTENT_TYPE);
        assertThat(body.toString()).doesNotContain("10.1.2.3", "8081", "Timeout", "request body");
        assertThat(body.path("error").asText()).isEqualTo("backend_timeout");
    }

    @Test
    void answerWhenForbiddenThenNoChallenge() throws IOException {
        Exchange exchange = failedWith(GatewayException.forbidden("subscription_required", "not subscribed"));

        answer(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(403);
        assertThat(exchange.getMessage().getHeader("WWW-Authenticate")).isNull();
    }
}
