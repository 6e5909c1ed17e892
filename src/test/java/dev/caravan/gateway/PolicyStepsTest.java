package dev.caravan.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.http.Cidr;
import dev.caravan.http.InboundRequest;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.registry.ApiDefinition;
import dev.caravan.registry.ApiPolicy;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.PlainExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The policy steps of the API route, each on a plain exchange with a hand-built {@link ApiRuntime}. */
class PolicyStepsTest {
    private static MediatorRig rig;
    private final GatewayMediators mediators = new GatewayMediators();

    @BeforeAll
    static void collaborators() {
        rig = new MediatorRig();
    }

    private static ApiRuntime runtime(ApiPolicy policy, List<AsyncProcessor> request, BackendSecurityProfiles.Compiled security) {
        ApiDefinition api = new ApiDefinition("api-1", "org-1", "api", "/shop", "1.0", "http://backend:8080", List.of("Gold"),
                Instant.now(), policy);
        return new ApiRuntime(api, "api-1#1", policy.allowedCallers().stream().map(Cidr::parse).toList(),
                policy.cors() == null ? null : new CorsPolicy(policy.cors()), request, List.of(), List.of(), List.of(),
                security, BackendEndpoints.parse(api.backendUrl()), 1024, 1000, true, null,
                policy.methods() == null ? null : java.util.Set.copyOf(policy.methods()),
                String.join(", ", policy.methods() == null ? ApiPolicy.ALL_METHODS : policy.methods()));
    }

    private static ApiPolicy policy(List<String> callers, ApiPolicy.Cors cors, boolean dualToken) {
        return new ApiPolicy(dualToken, null, null, callers, cors, null, null, null, null);
    }

    private static Exchange exchange(ApiRuntime runtime, String method, String peer, Map<String, String> headers) {
        Exchange exchange = PlainExchange.create();
        List<Map.Entry<String, String>> raw = new ArrayList<>(headers.entrySet());
        headers.forEach(exchange.getIn()::setHeader);
        exchange.setProperty(InboundRequest.PROPERTY, new InboundRequest(method, "/shop/1.0/items", null, peer, raw));
        exchange.setProperty(GatewayMediators.RUNTIME, runtime);
        return exchange;
    }

    private static BackendSecurityProfiles profiles(Map<String, String> settings) {
        return MediatorRig.profiles(settings);
    }

    @Test
    void checkCallerAdmitsPeersInsideTheAllowListOnly() throws Exception {
        Processor check = mediators.checkCaller(profiles(Map.of()));
        ApiRuntime runtime = runtime(policy(List.of("10.0.0.0/8", "2001:db8::/32"), null, false), List.of(), null);

        check.process(exchange(runtime, "GET", "10.9.8.7", Map.of()));
        check.process(exchange(runtime, "GET", "2001:db8::5", Map.of()));
        for (String peer : new String[] {"192.168.0.1", "127.0.0.1", null}) {
            assertThatThrownBy(() -> check.process(exchange(runtime, "GET", peer, Map.of())))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
    }

    @Test
    void checkCallerBelievesXForwardedForOnlyFromTrustedProxies() throws Exception {
        ApiRuntime runtime = runtime(policy(List.of("10.0.0.0/8"), null, false), List.of(), null);
        Processor untrusting = mediators.checkCaller(profiles(Map.of()));
        Processor trusting = mediators.checkCaller(profiles(Map.of("caravan.trusted-proxies", "192.168.0.0/16")));

        assertThatThrownBy(() -> untrusting.process(exchange(runtime, "GET", "192.168.1.1",
                Map.of("X-Forwarded-For", "10.1.1.1")))).isInstanceOf(GatewayException.class);
        trusting.process(exchange(runtime, "GET", "192.168.1.1", Map.of("X-Forwarded-For", "10.1.1.1")));
        trusting.process(exchange(runtime, "GET", "192.168.1.1", Map.of("X-Forwarded-For", "10.1.1.1, 192.168.7.7")));
        assertThatThrownBy(() -> trusting.process(exchange(runtime, "GET", "192.168.1.1",
                Map.of("X-Forwarded-For", "10.1.1.1, 172.16.0.1")))).isInstanceOf(GatewayException.class);
    }

    @Test
    void corsPreflightIsAnsweredAndEndsTheRouteOtherRequestsPass() throws Exception {
        ApiPolicy.Cors cors = new ApiPolicy.Cors(List.of("https://app.example"), List.of("GET"), List.of("Authorization"),
                List.of(), false, Duration.ofMinutes(1));
        ApiRuntime runtime = runtime(policy(List.of(), cors, false), List.of(), null);
        Processor preflight = mediators.answerCorsPreflight();

        Exchange options = exchange(runtime, "OPTIONS", "127.0.0.1", Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "GET"));
        preflight.process(options);
        assertThat(options.isRouteStop()).isTrue();
        assertThat(options.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(204);
        assertThat(options.getMessage().getHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example");

        Exchange get = exchange(runtime, "GET", "127.0.0.1", Map.of("Origin", "https://app.example"));
        preflight.process(get);
        assertThat(get.isRouteStop()).isFalse();

        Exchange withoutCors = exchange(runtime(ApiPolicy.NONE, List.of(), null), "OPTIONS", "127.0.0.1",
                Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "GET"));
        preflight.process(withoutCors);
        assertThat(withoutCors.isRouteStop()).isFalse();
    }

    @Test
    void userTokenIsOnlyCheckedOnDualTokenApis() throws Exception {
        MediatorRig.World world = rig.world("http://backend:8080");
        Processor userStep = mediators.authenticateUserToken(rig.accessTokens, rig.revocations);
        AccessTokenClaims app = rig.accessTokens.validate(rig.applicationToken(world));

        Exchange plain = exchange(runtime(ApiPolicy.NONE, List.of(), null), "GET", "127.0.0.1",
                Map.of("X-Authorization", "anything at all"));
        userStep.process(plain);
        assertThat(plain.getProperty(GatewayMediators.USER_TOKEN)).isNull();

        ApiRuntime dual = runtime(policy(List.of(), null, true), List.of(), null);
        Exchange good = exchange(dual, "GET", "127.0.0.1", Map.of("X-Authorization", "Bearer " + rig.endUserToken(world)));
        good.setProperty(GatewayMediators.TOKEN, app);
        userStep.process(good);
        assertThat(good.getProperty(GatewayMediators.USER_TOKEN, AccessTokenClaims.class).username())
                .isEqualTo(world.endUser().username());

        Exchange appAsUser = exchange(dual, "GET", "127.0.0.1", Map.of("X-Authorization", "Bearer " + rig.applicationToken(world)));
        appAsUser.setProperty(GatewayMediators.TOKEN, app);
        assertThatThrownBy(() -> userStep.process(appAsUser))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo("invalid_token"));
    }

    @Test
    void backendSecurityOverridesWhatTheCallerOrAMediatorSet() throws Exception {
        BackendSecurityProfiles.Compiled security = new BackendSecurityProfiles.Compiled("p", "Basic Z3c6cHc=",
                "X-Api-Key", "k-1", null);
        Exchange exchange = exchange(runtime(ApiPolicy.NONE, List.of(), security), "GET", "127.0.0.1",
                Map.of("authorization", "Bearer user", "x-api-key", "forged"));

        mediators.secureBackendRequest().process(exchange);

        assertThat(exchange.getIn().getHeader("Authorization")).isEqualTo("Basic Z3c6cHc=");
        assertThat(exchange.getIn().getHeader("X-API-KEY")).isEqualTo("k-1");
    }

    @Test
    void mediationStepRunsMediatorsInOrderAcrossAsyncCompletionsAndStopsAtAFailure() throws Exception {
        List<String> trail = new ArrayList<>();
        AsyncProcessor sync = mediator(trail, "one", false, null);
        AsyncProcessor async = mediator(trail, "two", true, null);
        AsyncProcessor failing = mediator(trail, "three", false, new IllegalStateException("boom"));
        AsyncProcessor never = mediator(trail, "four", false, null);
        MediationStep step = new MediationStep(ApiRuntime::requestFlow, null);
        Exchange exchange = exchange(runtime(ApiPolicy.NONE, List.of(sync, async, failing, never), null), "GET",
                "127.0.0.1", Map.of());

        CompletableFuture<Void> done = new CompletableFuture<>();
        step.process(exchange, doneSync -> done.complete(null));
        done.get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(trail).containsExactly("one", "two", "three");
        assertThat(exchange.getException()).hasMessage("boom");
    }

    @Test
    void faultFlowShapesTheErrorAnswerAndAFailingFaultMediatorLeavesTheOriginalAnswer() throws Exception {
        AsyncProcessor stamp = org.apache.camel.support.AsyncProcessorConverterHelper.convert(
                e -> e.getMessage().setHeader("X-Fault", "gateway"));
        // as a mediation route answers its direct: producer: the failure set on the exchange
        AsyncProcessor rewriteThenFail = new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange e, AsyncCallback callback) {
                e.getMessage().setBody("{\"half\":\"written\"}");
                e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                e.setException(new IllegalStateException("fault mediator broke"));
                callback.done(true);
                return true;
            }
        };

        Exchange shaped = errorAnswer(faultRuntime(List.of(stamp)));
        mediators.applyFaultMediation().process(shaped);
        assertThat(shaped.getMessage().getHeader("X-Fault")).isEqualTo("gateway");
        assertThat(shaped.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);

        Exchange broken = errorAnswer(faultRuntime(List.of(stamp, rewriteThenFail)));
        mediators.applyFaultMediation().process(broken);
        assertThat(broken.getException()).isNull();
        assertThat(broken.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(broken.getMessage().getBody(String.class)).isEqualTo("{\"error\":\"invalid_token\"}");
        assertThat(broken.getMessage().getHeader("X-Fault")).as("nothing of the failed flow stays").isNull();
    }

    private static ApiRuntime faultRuntime(List<AsyncProcessor> fault) {
        ApiRuntime plain = runtime(ApiPolicy.NONE, List.of(), null);
        return new ApiRuntime(plain.api(), plain.cacheKey(), plain.allowedCallers(), plain.cors(), plain.requestFlow(),
                plain.responseFlow(), fault, plain.routeIds(), plain.security(), plain.backend(), 1024, 1000, true, null,
                null, plain.allow());
    }

    private static Exchange errorAnswer(ApiRuntime runtime) {
        Exchange exchange = exchange(runtime, "GET", "127.0.0.1", Map.of());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
        exchange.getMessage().setBody("{\"error\":\"invalid_token\"}");
        return exchange;
    }

    private static AsyncProcessor mediator(List<String> trail, String name, boolean async, RuntimeException failure) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Runnable work = () -> {
                    synchronized (trail) {
                        trail.add(name);
                    }
                    if (failure != null) {
                        exchange.setException(failure);
                    }
                };
                if (!async) {
                    work.run();
                    callback.done(true);
                    return true;
                }
                CompletableFuture.runAsync(() -> {
                    work.run();
                    callback.done(false);
                });
                return false;
            }
        };
    }
}
