package dev.caravan.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import dev.caravan.http.TrafficServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the integration tests: the whole gateway on real random ports (traffic: Vert.x,
 * management: Tomcat) over an in-memory H2 database. PostgreSQL subclasses override the
 * datasource with their own {@code @DynamicPropertySource}, which outranks the
 * {@code @TestPropertySource} here. The context is shared by every test class
 * with the same database, so tests create their own uniquely named data with {@link Fixtures}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(Fixtures.class)
@TestPropertySource(properties = {
        "spring.datasource.url=jdbc:h2:mem:caravan_test;DB_CLOSE_DELAY=-1",
        // every test client is 127.0.0.1: the per-address limits are tested on their own
        // (LoginThrottleEndToEndTest, TrafficLimitsTest)
        "caravan.token.max-failures-per-address=1000000",
        "caravan.traffic.max-connections-per-client=100000"})
public abstract class CaravanTestBase {
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-Secret-1";

    @Autowired
    protected Fixtures fixtures;

    @Autowired
    private TrafficServer trafficServer;

    @LocalServerPort
    private int managementPort;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("caravan.traffic.port", () -> 0);
        registry.add("caravan.traffic.host", () -> "127.0.0.1");
        registry.add("caravan.admin.username", () -> ADMIN_USER);
        registry.add("caravan.admin.password", () -> ADMIN_PASSWORD);
        registry.add("caravan.gateway.response-timeout", () -> "3s");
    }

    protected String traffic(String path) {
        return "http://127.0.0.1:" + trafficServer.port() + path;
    }

    protected String management(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    protected int trafficPort() {
        return trafficServer.port();
    }

    /** Password grant for the world's end user; asserts success and returns the token response. */
    protected JsonNode passwordGrant(Fixtures.World world) {
        Http.Response response = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", world.endUserName(),
                        "password", Fixtures.END_USER_PASSWORD));
        if (response.status() != 200) {
            throw new AssertionError("password grant failed: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    protected JsonNode clientCredentials(Fixtures.World world) {
        Http.Response response = Http.postForm(traffic("/oauth2/token"),
                Http.basic(world.consumerKey(), world.consumerSecret()),
                Map.of("grant_type", "client_credentials"));
        if (response.status() != 200) {
            throw new AssertionError("client_credentials failed: " + response.status() + " " + response.body());
        }
        return response.json();
    }
}
