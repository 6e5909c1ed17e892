package dev.caravan.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Organizations, addressed by name. Creating, listing and deleting them is the admin's; a
 * publisher may read their own. Deleting one deletes its users, applications, APIs and
 * subscriptions (the schema cascades) and the gateway forgets them at once.
 */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations")
class OrganizationController {

    record CreateOrganization(String name, String displayName) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OrganizationView(String name, String displayName, Instant createdAt) {
        static OrganizationView of(Organization org) {
            return new OrganizationView(org.name(), org.displayName(), org.createdAt());
        }
    }

    private final OrganizationRepository organizations;
    private final AdminLookups lookups;

    OrganizationController(OrganizationRepository organizations, AdminLookups lookups) {
        this.organizations = organizations;
        this.lookups = lookups;
    }

    @AdminOnly
    @PostMapping
    ResponseEntity<OrganizationView> create(@RequestBody CreateOrganization body) {
        String name = Checks.organizationName("name", body.name());
        String displayName = Checks.optionalText("displayName", body.displayName(), 200);
        if (organizations.findByName(name).isPresent()) {
            throw AdminError.conflict("name", "an organization named '" + name + "' already exists");
        }
        organizations.create(name, displayName);
        Organization org = lookups.organization(name); // as stored (the database rounds createdAt)
        return ResponseEntity.created(AdminLookups.location("organizations", name)).body(OrganizationView.of(org));
    }

    @AdminOnly
    @GetMapping
    List<OrganizationView> list() {
        return organizations.findAll().stream().map(OrganizationView::of).toList();
    }

    @GetMapping("/{org}")
    OrganizationView get(@PathVariable String org) {
        return OrganizationView.of(lookups.organization(org));
    }

    @AdminOnly
    @DeleteMapping("/{org}")
    ResponseEntity<Void> delete(@PathVariable String org) {
        organizations.delete(lookups.organization(org).id());
        return ResponseEntity.noContent().build();
    }
}
