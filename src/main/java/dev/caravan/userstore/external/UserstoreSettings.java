package dev.caravan.userstore.external;

import dev.caravan.userstore.InvalidStoreDefinitionException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Declarative secondary stores, {@code caravan.userstores.<organization>.*}, in the same shape as
 * the admin API's documents. In the gateway they seed the database once per organization (an
 * admin's later change is never overwritten); in an agent they are the stores it serves.
 * Secrets may be {@code ${ENV_VAR}} placeholders. A key that is not a setting (a misspelt
 * {@code timout}, {@code ldap.bind-dnn}) stops start-up, naming the key.
 */
public record UserstoreSettings(Map<String, Store> userstores) {
    static final String PREFIX = "caravan.userstores";

    /** Binds {@code caravan.userstores}, refusing every key under it that binds to no setting. */
    public static UserstoreSettings bind(Environment environment) {
        try {
            Map<String, Store> stores = Binder.get(environment)
                    .bind(PREFIX, Bindable.mapOf(String.class, Store.class),
                            new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
                    .orElse(Map.of());
            return new UserstoreSettings(stores);
        } catch (BindException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof UnboundConfigurationPropertiesException unbound) {
                    String keys = unbound.getUnboundProperties().stream()
                            .map(property -> property.getName().toString()).sorted()
                            .collect(Collectors.joining(", "));
                    throw new IllegalStateException(keys + ": not a userstore setting (see README, Userstores)");
                }
            }
            throw e;
        }
    }

    /** Makes the bound settings a bean for the gateway's bootstrap and the agent. */
    @Configuration(proxyBeanMethods = false)
    static class Binding {
        @Bean
        UserstoreSettings userstoreSettings(Environment environment) {
            return bind(environment);
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public Map<String, Store> stores() {
        return userstores == null ? Map.of() : userstores;
    }

    /** The definition of one entry; an error names its key, e.g. {@code caravan.userstores.acme.ldap.urls}. */
    public SecondaryStoreDefinition definition(String organization) {
        try {
            return StoreDefinitions.parse(organization, JSON.valueToTree(stores().get(organization)), Optional.empty());
        } catch (InvalidStoreDefinitionException e) {
            throw new IllegalStateException("caravan.userstores." + organization
                    + (e.field().isEmpty() ? "" : "." + e.field()) + ": " + e.getMessage());
        }
    }

    public record Store(String kind, String mode, String timeout, Integer consumers, Integer maxInFlight,
                        Breaker circuitBreaker, Ldap ldap, WebService webService) {}

    public record Breaker(Integer failureThreshold, String openDuration) {}

    public record Ldap(List<String> urls, Boolean startTls, String bindDn, String bindPassword, String userSearchBase,
                       String userFilter, String groupSearchBase, String groupFilter, String groupNameAttribute,
                       Map<String, String> claimAttributes, Map<String, String> roleMappings, Integer poolSize,
                       String connectTimeout, String responseTimeout, String trustStorePath,
                       String trustStorePassword, Boolean caseSensitive, String subjectAttribute,
                       Integer bindPoolSize, String maxConnectionAge, String healthCheckInterval,
                       Integer groupPageSize, Integer maxRoles, Boolean nestedGroups, Integer nestedGroupDepth) {
        @Override
        public String toString() {
            return "Ldap[urls=" + urls + ", bindDn=" + bindDn + "]";
        }
    }

    public record WebService(String url, String username, String password, String requestTemplate,
                             String responsePointer, String successValue, String timeout, String trustStorePath,
                             String trustStorePassword, Boolean caseSensitive, Map<String, String> claims,
                             String rolesPointer) {
        @Override
        public String toString() {
            return "WebService[url=" + url + ", username=" + username + "]";
        }
    }
}
