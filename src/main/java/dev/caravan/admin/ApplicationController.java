package dev.caravan.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.caravan.registry.Application;
import dev.caravan.registry.ApplicationRepository;
import dev.caravan.registry.Organization;
import dev.caravan.token.Secrets;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OAuth clients of an organization, owned by one of its subscribers. The consumer secret is
 * shown once, in the answer that creates or regenerates it ({@code Cache-Control: no-store});
 * only its SHA-256 is kept, so no later call can show it again.
 */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations/{org}/applications")
class ApplicationController {
    private static final int KEY_BYTES = 24;
    private static final int SECRET_BYTES = 32;

    record CreateApplication(String name, String owner, List<String> grantTypes) {}

    /** {@code consumerSecret} is null (and left out) except right after it was generated. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApplicationView(String name, String owner, List<String> grantTypes, String consumerKey,
                           String consumerSecret, Instant createdAt) {
        @Override
        public String toString() {
            return "ApplicationView[name=" + name + ", owner=" + owner + ", grantTypes=" + grantTypes
                    + ", consumerKey=" + consumerKey + ", consumerSecret="
                    + (consumerSecret == null ? null : "<redacted>") + ", createdAt=" + createdAt + "]";
        }
    }

    private final ApplicationRepository applications;
    private final PrimaryUserRepository users;
    private final AdminLookups lookups;

    ApplicationController(ApplicationRepository applications, PrimaryUserRepository users, AdminLookups lookups) {
        this.applications = applications;
        this.users = users;
        this.lookups = lookups;
    }

    @PostMapping
    ResponseEntity<ApplicationView> create(@PathVariable String org, @RequestBody CreateApplication body) {
        Organization organization = lookups.organization(org);
        String name = Checks.applicationName("name", body.name());
        String ownerName = Checks.text("owner", body.owner(), Checks.MAX_USERNAME);
        Set<String> grantTypes = Checks.grantTypes("grantTypes", body.grantTypes());
        PrimaryUser owner = users.find(organization.id(), ownerName)
                .orElseThrow(() -> AdminError.invalid("owner", "must be a user of organization '"
                        + organization.name() + "'"));
        if (!owner.hasRole(PrimaryUser.SUBSCRIBER)) {
            throw AdminError.invalid("owner", "must have the subscriber role");
        }
        if (applications.findByName(organization.id(), name).isPresent()) {
            throw AdminError.conflict("name", "an application '" + name + "' already exists in organization '"
                    + organization.name() + "'");
        }
        String secret = Secrets.random(SECRET_BYTES);
        String id = applications.create(organization.id(), owner.id(), name, Secrets.random(KEY_BYTES),
                Secrets.sha256Hex(secret), grantTypes).id();
        Application app = applications.findById(id) // as stored (the database rounds createdAt)
                .orElseThrow(() -> AdminError.notFound("the application was deleted meanwhile"));
        return ResponseEntity.created(AdminLookups.location("organizations", organization.name(), "applications", name))
                .cacheControl(CacheControl.noStore())
                .body(view(app, owner.username(), secret));
    }

    @GetMapping
    List<ApplicationView> list(@PathVariable String org) {
        return applications.findByOrganization(lookups.organization(org).id()).stream()
                .map(app -> view(app, ownerName(app), null))
                .toList();
    }

    @GetMapping("/{name}")
    ApplicationView get(@PathVariable String org, @PathVariable String name) {
        Application app = lookups.application(lookups.organization(org), name);
        return view(app, ownerName(app), null);
    }

    /** A new consumer secret; the old one stops working at once. */
    @PostMapping("/{name}/secret")
    ResponseEntity<ApplicationView> regenerateSecret(@PathVariable String org, @PathVariable String name) {
        Application app = lookups.application(lookups.organization(org), name);
        String secret = Secrets.random(SECRET_BYTES);
        applications.updateSecretHash(app.id(), Secrets.sha256Hex(secret));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(app, ownerName(app), secret));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String org, @PathVariable String name) {
        applications.delete(lookups.application(lookups.organization(org), name).id());
        return ResponseEntity.noContent().build();
    }

    private String ownerName(Application app) {
        return users.findById(app.ownerId()).map(PrimaryUser::username).orElse(null);
    }

    private static ApplicationView view(Application app, String owner, String secret) {
        List<String> grants = Checks.GRANT_TYPES.stream().filter(app.grantTypes()::contains).toList();
        return new ApplicationView(app.name(), owner, grants, app.consumerKey(), secret, app.createdAt());
    }
}
