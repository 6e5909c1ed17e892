package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.registry.Organization;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.external.SecondaryStoreDefinition;
import dev.caravan.userstore.external.SecondaryStoreRepository;
import dev.caravan.userstore.external.StoreDefinitions;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organization's secondary userstore. Setting, removing and testing it is the admin's (it
 * makes the gateway open connections to the given hosts); a publisher of the organization may
 * read it. Secrets are write-only: answers show {@code bindPasswordSet: true} and the like, and
 * a PUT that omits a secret keeps the stored one.
 */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations/{org}/userstore")
class UserstoreController {

    record Probe(String username, String password) {
        @Override
        public String toString() {
            return "Probe[username=" + username + ", password=" + (password == null ? null : "<redacted>") + "]";
        }
    }

    private final SecondaryStoreRepository repository;
    private final StoreDefinitions definitions;
    private final AdminLookups lookups;

    UserstoreController(SecondaryStoreRepository repository, StoreDefinitions definitions,
            AdminLookups lookups) {
        this.repository = repository;
        this.definitions = definitions;
        this.lookups = lookups;
    }

    private SecondaryStoreDefinition stored(String org) {
        return repository.find(org).orElseThrow(() ->
                AdminError.notFound("organization '" + org + "' has no secondary userstore"));
    }

    @GetMapping
    ObjectNode get(@PathVariable String org) {
        lookups.organization(org);
        return definitions.redacted(stored(org));
    }

    @AdminOnly
    @PutMapping
    ResponseEntity<ObjectNode> put(@PathVariable String org, @RequestBody JsonNode body) {
        Organization organization = lookups.organization(org);
        Optional<SecondaryStoreDefinition> previous = repository.find(org);
        SecondaryStoreDefinition definition;
        try {
            definition = definitions.parse(organization.name(), body, previous);
            if (definition.mode() == SecondaryStoreDefinition.Mode.LOCAL) {
                definitions.create(definition).close(); // the store's own checks (template, trust store)
            }
        } catch (InvalidStoreDefinitionException e) {
            throw AdminError.invalid(e.field().isEmpty() ? "body" : e.field(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw AdminError.invalid(definitionField(e.getMessage()), e.getMessage());
        }
        repository.save(organization.id(), definition);
        ObjectNode answer = definitions.redacted(stored(org));
        return previous.isPresent() ? ResponseEntity.ok(answer)
                : ResponseEntity.created(AdminLookups.location("organizations", org, "userstore")).body(answer);
    }

    private static String definitionField(String message) {
        int space = message == null ? -1 : message.indexOf(' ');
        return space > 0 && message.substring(0, space).contains(".") ? message.substring(0, space) : "body";
    }

    @AdminOnly
    @DeleteMapping
    ResponseEntity<Void> delete(@PathVariable String org) {
        Organization organization = lookups.organization(org);
        if (!repository.delete(organization.id())) {
            throw AdminError.notFound("organization '" + org + "' has no secondary userstore");
        }
        return ResponseEntity.noContent().build();
    }

    /** Connects to the stored store and reports the first stage that failed. */
    @AdminOnly
    @PostMapping("/test")
    ResponseEntity<ConnectionCheck> test(@PathVariable String org, @RequestBody(required = false) Probe probe) {
        lookups.organization(org);
        SecondaryStoreDefinition definition = stored(org);
        if (definition.mode() == SecondaryStoreDefinition.Mode.AGENT) {
            throw AdminError.conflict("mode", "this store is served by an agent, which holds its connection"
                    + " settings: test it from the agent's side");
        }
        String username = probe == null ? null : probe.username();
        char[] password = probe == null || probe.password() == null ? null : probe.password().toCharArray();
        try (ExternalUserStore store = definitions.create(definition)) {
            return ResponseEntity.ok(store.testConnection(username, password));
        }
    }
}
