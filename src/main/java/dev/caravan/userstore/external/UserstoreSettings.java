package dev.caravan.userstore.external;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.UserStoreKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Declarative secondary stores, {@code caravan.userstores.<organization>.*}, in the same shape as
 * the admin API's documents. In the gateway they seed the database once per organization (an
 * admin's later change is never overwritten); in an agent they are the stores it serves.
 * Secrets may be {@code ${ENV_VAR}} placeholders. A key that is not a setting (a misspelt
 * {@code timout}, {@code ldap.bind-dnn}) stops start-up, naming the key. Each kind's settings
 * ({@code ldap.*}, {@code web-service.*}) bind to its {@link UserStoreKind#propertiesType()}.
 */
public final class UserstoreSettings {
    static final String PREFIX = "caravan.userstores";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private final Map<String, ObjectNode> stores;
    private final StoreDefinitions definitions;

    UserstoreSettings(Map<String, ObjectNode> stores, StoreDefinitions definitions) {
        this.stores = stores;
        this.definitions = definitions;
    }

    /** Binds {@code caravan.userstores}, refusing every key under it that binds to no setting. */
    public static UserstoreSettings bind(Environment environment, StoreDefinitions definitions) {
        Binder binder = Binder.get(environment);
        try {
            // one handler for every bind, so the last (the common fields) knows the kinds' keys as bound
            NoUnboundElementsBindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
            Map<String, ObjectNode> documents = new LinkedHashMap<>();
            // each kind's settings bind under the names the sources use, whatever characters the organization's has
            Map<ConfigurationPropertyName, UserStoreKind<?>> blocks = new LinkedHashMap<>();
            Map<ConfigurationPropertyName, String> organizations = new LinkedHashMap<>();
            ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
            int depth = prefix.getNumberOfElements();
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                    continue;
                }
                iterable.stream().filter(name -> prefix.isAncestorOf(name) && name.getNumberOfElements() > depth + 2)
                        .forEach(name -> {
                            String field = name.getElement(depth + 1, ConfigurationPropertyName.Form.UNIFORM);
                            for (UserStoreKind<?> kind : definitions.kinds()) {
                                if (ConfigurationPropertyName.adapt(kind.settingsField(), '.')
                                        .getElement(0, ConfigurationPropertyName.Form.UNIFORM).equals(field)) {
                                    ConfigurationPropertyName block = name.chop(depth + 2);
                                    blocks.putIfAbsent(block, kind);
                                    organizations.putIfAbsent(block,
                                            name.getElement(depth, ConfigurationPropertyName.Form.ORIGINAL));
                                }
                            }
                        });
            }
            blocks.forEach((block, kind) -> binder.bind(block, Bindable.of(kind.propertiesType()), strict)
                    .ifBound(settings -> documents.computeIfAbsent(organizations.get(block), o -> JSON.createObjectNode())
                            .set(kind.settingsField(), JSON.valueToTree(settings))));
            Map<String, Store> stores = binder.bind(PREFIX, Bindable.mapOf(String.class, Store.class), strict)
                    .orElse(Map.of());
            stores.forEach((organization, store) -> {
                ObjectNode document = JSON.valueToTree(store);
                document.setAll(documents.getOrDefault(organization, JSON.createObjectNode()));
                documents.put(organization, document);
            });
            return new UserstoreSettings(documents, definitions);
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
        UserstoreSettings userstoreSettings(Environment environment, StoreDefinitions definitions) {
            return bind(environment, definitions);
        }
    }

    /** The declared stores' documents by organization. */
    public Map<String, ObjectNode> stores() {
        return stores;
    }

    /** The definition of one entry; an error names its key, e.g. {@code caravan.userstores.acme.ldap.urls}. */
    public SecondaryStoreDefinition definition(String organization) {
        try {
            return definitions.parse(organization, stores().get(organization), Optional.empty());
        } catch (InvalidStoreDefinitionException e) {
            throw new IllegalStateException("caravan.userstores." + organization
                    + (e.field().isEmpty() ? "" : "." + e.field()) + ": " + e.getMessage());
        }
    }

    /** The fields every definition has, whatever its kind. */
    public record Store(String kind, String mode, String timeout, Integer consumers, Integer maxInFlight,
                        Breaker circuitBreaker) {}

    public record Breaker(Integer failureThreshold, String openDuration) {}
}
