package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.caravan.testsupport.BackendJwtVerifier;
import dev.caravan.testsupport.CaravanTestBase;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The {@code api-gateway} route with its backend call replaced, advised by step id: what the
 * HTTP producer would be handed (headers, properties, body) and the order of the hops. Requests
 * arrive over the real traffic port, so the entry step sees a real Vert.x request.
 *
 * <p>Advising changes the route for everyone using the context, so this class runs in its own
 * context (the extra property gives it its own cache key; {@code @UseAdviceWith} keeps Camel
 * from starting before the advice) and {@code @DirtiesContext} closes it afterwards.
 */
@CamelSpringBootTest
@UseAdviceWith
@DirtiesContext
@TestPropertySource(properties = "caravan.test.context=api-gateway-route-advised")
class ApiGatewayRouteTest extends CaravanTestBase {
    /** The hops of the route, in the order they must run. */
    static final List<String> HOPS = List.of("strip-untrusted-headers", "resolve-api", "check-caller",
            "answer-cors-preflight", "check-method", "authenticate-bearer-token", "authenticate-user-token", "authorize-subscription",
            "read-request-body", "prepare-backend-request", "apply-request-mediation", "enrich-backend-jwt", "secure-backend-request",
            "forward-backend", "apply-response-mediation", "add-cors-headers");
    /** The hops of the route's error path (its doCatch), in order: they run only when a hop above failed. */
    static final List<String> ERROR_HOPS = List.of("write-gateway-error", "apply-fault-mediation",
            "add-cors-headers-to-error");

    /** Never called: the forward step is replaced. A name that cannot resolve makes sure of it. */
    private static final String BACKEND = "http://backend.invalid:8081/svc/v1";

    private static final List<String> trail = new CopyOnWriteArrayList<>();
    private static final BlockingQueue<Exchange> handedToProducer = new LinkedBlockingQueue<>();

    @Autowired
    private CamelContext camelContext;

    private Fixtures.World world;
    private String token;

    /** The main hops up to and including the one that failed, then the whole error path. */
    private static List<String> failedAt(String hop) {
        List<String> expected = new ArrayList<>(HOPS.subList(0, HOPS.indexOf(hop) + 1));
        expected.addAll(ERROR_HOPS);
        return expected;
    }

    @BeforeEach
    void adviseOnceThenStart() throws Exception {
        if (!camelContext.isStarted()) {
            AdviceWith.adviceWith(camelContext, "api-gateway", route -> {
                for (String hop : HOPS) {
                    route.weaveById(hop).before().process(exchange -> trail.add(hop));
                }
                for (String hop : ERROR_HOPS) {
                    route.weaveById(hop).before().process(exchange -> trail.add(hop));
                }
                route.weaveById("forward-backend").replace().process(exchange -> {
                    handedToProducer.add(exchange.copy());
                    exchange.getMessage().setBody("from the replaced backend");
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 203);
                    exchange.getMessage().setHeader("X-Replaced", "yes");
                    exchange.getMessage().setHeader("CAmelInternal", "leak");
                    exchange.getMessage().setHeader("caravanSecret", "leak");
                    exchange.getMessage().setHeader("Keep-Alive", "timeout=99");
                });
            });
            camelContext.start();
        }
        trail.clear();
        handedToProducer.clear();
        world = fixtures.world(BACKEND);
        token = passwordGrant(world).path("access_token").asText();
    }

    private static Exchange captured() throws InterruptedException {
        Exchange exchange = handedToProducer.poll(5, TimeUnit.SECONDS);
        assertThat(exchange).as("the forward step was reached").isNotNull();
        return exchange;
    }

    @Test
    void apiCallRunsEveryHopInOrderAndHandsTheProducerOnlyWhatTheGatewaySet() throws Exception {
        String body = "{\"n\":1}";
        Http.Response response = Http.request("POST", traffic(world.apiPath() + "/items/7?a=1&b=%20x"), body,
                "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", "application/json",
                "X-Forwarded-For", "10.0.0.9");

        assertThat(response.status()).isEqualTo(203);
        assertThat(trail).containsExactlyElementsOf(HOPS);
        Exchange exchange = captured();
        assertThat(exchange.getIn().getHeaders()).containsOnlyKeys("Content-Type", "Accept", "User-Agent", "X-JWT-Assertion",
                Exchange.HTTP_METHOD, Exchange.HTTP_PATH, Exchange.HTTP_QUERY, Exchange.HTTP_RAW_QUERY);
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_METHOD)).isEqualTo("POST");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_PATH)).isEqualTo("/svc/v1/items/7");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_RAW_QUERY)).isEqualTo("a=1&b=%20x");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_QUERY)).isEqualTo("a=1&b=%20x");
        assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(exchange.getProperty(GatewayMediators.BACKEND))
                .isEqualTo(new BackendEndpoints.Backend(false, "backend.invalid", 8081, "/svc/v1", null));

        JWTClaimsSet claims = new BackendJwtVerifier(traffic("/oauth2/jwks"))
                .verify(exchange.getIn().getHeader("X-JWT-Assertion", String.class));
        assertThat(claims.getClaim(BackendJwtVerifier.DIALECT + "enduser")).isEqualTo(world.endUserName());
    }

    @Test
    void apiCallWithSmuggledCamelHeadersHandsTheProducerTheGatewaysValuesOnly() throws Exception {
        Http.Response response = Http.get(traffic(world.apiPath() + "/items?CamelHttpPath=%2Fevil"),
                "Authorization", "Bearer " + token,
                "CAmelHttpUri", "http://127.0.0.2/",
                "camelhttppath", "/evil",
                "CamelHttpQuery", "evil=1",
                "CamelHttpMethod", "DELETE",
                "caravanBackend", "http://127.0.0.2/",
                "X-JWT-Assertion", "forged");

        assertThat(response.status()).isEqualTo(203);
        Exchange exchange = captured();
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_METHOD)).isEqualTo("GET");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_PATH)).isEqualTo("/svc/v1/items");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_QUERY)).isEqualTo("CamelHttpPath=%2Fevil");
        assertThat(exchange.getIn().getHeader(Exchange.HTTP_URI)).isNull();
        assertThat(exchange.getIn().getHeader("X-JWT-Assertion")).isNotEqualTo("forged");
        assertThat(exchange.getProperty(GatewayMediators.BACKEND, BackendEndpoints.Backend.class).host())
                .isEqualTo("backend.invalid");
        List<String> camelNames = new ArrayList<>();
        exchange.getIn().getHeaders().keySet().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("camel"))
                .forEach(camelNames::add);
        assertThat(camelNames).containsExactlyInAnyOrder(Exchange.HTTP_METHOD, Exchange.HTTP_PATH,
                Exchange.HTTP_QUERY, Exchange.HTTP_RAW_QUERY);
        assertThat(exchange.getIn().getHeaders().keySet())
                .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("caravan"));
    }

    @Test
    void apiCallResponseCarriesNoInternalOrHopByHopHeaders() throws Exception {
        Http.Response response = Http.get(traffic(world.apiPath() + "/items"), "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(203);
        assertThat(response.body()).isEqualTo("from the replaced backend");
        assertThat(response.header("X-Replaced")).isEqualTo("yes");
        assertThat(response.header("Keep-Alive")).isNull();
        assertThat(response.headers().map().keySet()).noneMatch(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            return lower.startsWith("camel") || lower.startsWith("caravan");
        });
        captured();
    }

    @Test
    void apiCallWhenNoTokenStopsAtAuthenticationAndNeverReachesTheProducer() {
        Http.Response response = Http.get(traffic(world.apiPath() + "/items"));

        assertThat(response.status()).isEqualTo(401);
        assertThat(trail).containsExactlyElementsOf(failedAt("authenticate-bearer-token"));
        assertThat(handedToProducer).isEmpty();
    }

    @Test
    void apiCallWhenApiIsUnknownStopsAtResolution() {
        Http.Response response = Http.get(traffic("/unknown/1.0/items"), "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(404);
        assertThat(trail).containsExactlyElementsOf(failedAt("resolve-api"));
        assertThat(handedToProducer).isEmpty();
    }

    @Test
    void apiCallWhenNotSubscribedStopsAtAuthorization() {
        var other = fixtures.unsubscribedApi(world.organization(), BACKEND);

        Http.Response response = Http.get(traffic(other.context() + "/" + other.version() + "/items"),
                "Authorization", "Bearer " + token);

        assertThat(response.status()).isEqualTo(403);
        assertThat(trail).containsExactlyElementsOf(failedAt("authorize-subscription"));
        assertThat(handedToProducer).isEmpty();
    }
}
