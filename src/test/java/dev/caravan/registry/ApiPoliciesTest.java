package dev.caravan.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApiPoliciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void parseWhenEveryFieldIsSetThenTheStoredFormReadsBackEqual() throws Exception {
        ApiPolicy policy = ApiPolicies.parse(json("""
                {'dualToken': true,
                 'mediation': {'request': ['swap-authorization-headers',
                                           {'mediator': 'set-header', 'parameters': {'header': 'X-Api', 'value': 2}}],
                               'response': [{'mediator': 'remove-header', 'parameters': {'header': 'Server'}}],
                               'fault': []},
                 'backendSecurity': 'weather',
                 'allowedCallers': ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'],
                 'cors': {'allowOrigins': ['https://app.example.com'], 'allowMethods': ['get', 'POST'],
                          'allowHeaders': ['Authorization'], 'exposeHeaders': ['X-Trace'], 'allowCredentials': true,
                          'maxAge': '5m'},
                 'maxRequestBodySize': 2048,
                 'backendTimeout': '750ms',
                 'backendJwt': {'enabled': true, 'claims': ['enduser', 'subscriber']}}"""));

        assertThat(policy.dualToken()).isTrue();
        assertThat(policy.mediation().request()).containsExactly(
                new ApiPolicy.MediatorRef("swap-authorization-headers", Map.of()),
                new ApiPolicy.MediatorRef("set-header", Map.of("header", "X-Api", "value", "2")));
        assertThat(policy.cors().allowMethods()).containsExactly("GET", "POST");
        assertThat(policy.cors().maxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.backendTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(policy.backendJwt().claims()).containsExactly("enduser", "subscriber");
        assertThat(ApiPolicies.fromStored(ApiPolicies.toStored(policy))).isEqualTo(policy);
    }

    @Test
    void parseWhenAbsentOrEmptyThenTheDefaultPolicyWhichIsNotStored() throws Exception {
        assertThat(ApiPolicies.parse(null)).isEqualTo(ApiPolicy.NONE);
        assertThat(ApiPolicies.parse(json("{}"))).isEqualTo(ApiPolicy.NONE);
        assertThat(ApiPolicies.toStored(ApiPolicy.NONE)).isNull();
        assertThat(ApiPolicies.fromStored(null)).isEqualTo(ApiPolicy.NONE);
    }

    @Test
    void queuePolicyDefaultsToThirtySeconds() throws Exception {
        ApiPolicy policy = ApiPolicies.parse(json("{'queue': {'mode': 'request-reply'}}"));
        assertThat(policy.queue()).isEqualTo(new ApiPolicy.Queue(ApiPolicy.QueueMode.REQUEST_REPLY, Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'dualTokn': true}|policy.dualTokn",
        "{'dualToken': 'yes'}|policy.dualToken",
        "[]|policy",
        "{'mediation': {'request': [{'mediator': 'a b'}]}}|policy.mediation.request[0].mediator",
        "{'mediation': {'request': [{'mediator': 'x', 'parameters': {'name': 'evil'}}]}}|policy.mediation.request[0].parameters.name",
        "{'mediation': {'request': [{'mediator': 'x', 'parameters': {'v': {'a': 1}}}]}}|policy.mediation.request[0].parameters.v",
        "{'mediation': {'request': [{'mediator': 'x', 'parameters': {'v': 'a\\nb'}}]}}|policy.mediation.request[0].parameters.v",
        "{'mediation': {'before': []}}|policy.mediation.before",
        "{'allowedCallers': ['example.com']}|policy.allowedCallers[0]",
        "{'allowedCallers': ['10.0.0.0/33']}|policy.allowedCallers[0]",
        "{'allowedCallers': ['::1/129']}|policy.allowedCallers[0]",
        "{'cors': {'allowOrigins': []}}|policy.cors.allowOrigins",
        "{'cors': {'allowOrigins': ['https://a.example/path']}}|policy.cors.allowOrigins[0]",
        "{'cors': {'allowOrigins': ['*'], 'allowCredentials': true}}|policy.cors.allowCredentials",
        "{'cors': {'allowOrigins': ['*'], 'allowHeaders': ['X: y']}}|policy.cors.allowHeaders[0]",
        "{'maxRequestBodySize': -1}|policy.maxRequestBodySize",
        "{'maxRequestBodySize': 1.5}|policy.maxRequestBodySize",
        "{'backendTimeout': 'soon'}|policy.backendTimeout",
        "{'backendTimeout': '0s'}|policy.backendTimeout",
        "{'backendJwt': {'claims': ['http://wso2.org/claims/enduser']}}|policy.backendJwt.claims[0]",
        "{'queue': {'mode': 'sometimes'}}|policy.queue.mode",
        "{'queue': {'timeout': '1h'}}|policy.queue.timeout",
        "{'backendSecurity': 'a/b'}|policy.backendSecurity"})
    void parseWhenAFieldIsWrongThenTheErrorNamesIt(String policy, String field) {
        assertThatThrownBy(() -> ApiPolicies.parse(json(policy)))
                .isInstanceOfSatisfying(InvalidApiPolicyException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void parseWhenThePolicyIsHugeThenRefused() throws Exception {
        String mediator = "{'mediator': 'set-header', 'parameters': {'value': '" + "v".repeat(1900) + "'}}";
        String many = String.join(",", java.util.Collections.nCopies(10, mediator));
        assertThatThrownBy(() -> ApiPolicies.parse(json("{'mediation': {'request': [" + many + "]}}")))
                .isInstanceOfSatisfying(InvalidApiPolicyException.class, e -> assertThat(e.field()).isEqualTo("policy"));
    }

    @Test
    void mediatorListsAreCapped() throws Exception {
        String many = String.join(",", java.util.Collections.nCopies(21, "'m'"));
        assertThatThrownBy(() -> ApiPolicies.parse(json("{'mediation': {'request': [" + many + "]}}")))
                .isInstanceOfSatisfying(InvalidApiPolicyException.class,
                        e -> assertThat(e.field()).isEqualTo("policy.mediation.request"));
        assertThat(ApiPolicies.parse(json("{'mediation': {'request': ['m']}}")).mediation().request())
                .extracting(ApiPolicy.MediatorRef::mediator).isEqualTo(List.of("m"));
    }
}
