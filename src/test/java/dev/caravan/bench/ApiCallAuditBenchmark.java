package dev.caravan.bench;

import dev.caravan.audit.ApiCallAuditingProbe;
import dev.caravan.gateway.GatewayMediators;
import dev.caravan.http.InboundRequest;
import dev.caravan.jwt.AccessTokenClaims;
import dev.caravan.registry.LiveRegistry.ClientApp;
import dev.caravan.registry.LiveRegistry.ResolvedApi;
import dev.caravan.testsupport.MediatorRig;
import dev.caravan.testsupport.PlainExchange;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The API-call route's last step ({@code audit-api-call}) as the event loop pays for it.
 *
 * <ul>
 * <li>{@code recordCall}: what the step does: read the exchange's API, token, application,
 *     method, status and latency into an {@code ApiCall} record (the batcher's thread builds the
 *     event later, once per aggregate).</li>
 * <li>{@code baselineBuildEvent}: the same record turned into its API_CALL event on the spot
 *     (random id, checks, detail maps), which is what the step built per call before.</li>
 * </ul>
 * Neither hands anything to the batcher's queue (the same lock-free append either way).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class ApiCallAuditBenchmark {
    private Exchange exchange;

    @Setup
    public void setUp() throws Exception {
        QuietLogs.warnOnly();
        MediatorRig rig = new MediatorRig();
        MediatorRig.World world = rig.world("http://127.0.0.1:9/svc");
        AccessTokenClaims token = rig.accessTokens.validate(rig.endUserToken(world));
        ClientApp client = rig.registry.client(token.clientId()).orElseThrow();
        exchange = PlainExchange.create();
        exchange.setProperty(GatewayMediators.API, new ResolvedApi(world.api(), "/item"));
        exchange.setProperty(GatewayMediators.TOKEN, token);
        exchange.setProperty(GatewayMediators.CLIENT, client);
        exchange.setProperty(InboundRequest.PROPERTY,
                new InboundRequest("GET", world.api().context() + "/item", null, "127.0.0.1", List.of()));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    }

    @Benchmark
    public Object recordCall() {
        return ApiCallAuditingProbe.call(exchange);
    }

    @Benchmark
    public Object baselineBuildEvent() {
        return ApiCallAuditingProbe.event(exchange);
    }
}
