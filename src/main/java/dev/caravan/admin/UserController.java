package dev.caravan.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.caravan.registry.Organization;
import dev.caravan.registry.RegistryChangedEvent;
import dev.caravan.userstore.PasswordHasher;
import dev.caravan.userstore.PrimaryUser;
import dev.caravan.userstore.PrimaryUserRepository;
import dev.caravan.userstore.Usernames;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Users of an organization's primary userstore: publishers, subscribers and plain end users.
 * Passwords are write-only and stored Argon2id-hashed; neither password nor hash is ever
 * returned. Usernames are stored normalized ({@link Usernames}) and are unique within the
 * organization ignoring case: {@code Ada} exists, so {@code ADA} is a conflict. Deleting a user deletes the applications they own (the schema cascades), so the
 * gateway's registry is told to reload.
 */
@RestController
@RequestMapping(AdminWebConfiguration.BASE + "/organizations/{org}/users")
class UserController {

    record CreateUser(String username, String password, List<String> roles, String email, Boolean enabled) {
        @Override
        public String toString() {
            return "CreateUser[username=" + username + ", password=<redacted>, roles=" + roles + ", email=" + email
                    + ", enabled=" + enabled + "]";
        }
    }

    /** Absent fields stay as they are; {@code "email": ""} removes the email. */
    record UpdateUser(String username, String password, List<String> roles, String email, Boolean enabled) {
        @Override
        public String toString() {
            return "UpdateUser[username=" + username + ", password=" + (password == null ? null : "<redacted>")
                    + ", roles=" + roles + ", email=" + email + ", enabled=" + enabled + "]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UserView(String username, List<String> roles, String email, boolean enabled, Instant createdAt) {
        static UserView of(PrimaryUser user) {
            return new UserView(user.username(), user.roles().stream().sorted().toList(), user.email(),
                    user.enabled(), user.createdAt());
        }
    }

    private final PrimaryUserRepository users;
    private final PasswordHasher hasher;
    private final AdminLookups lookups;
    private final ApplicationEventPublisher events;

    UserController(PrimaryUserRepository users, PasswordHasher hasher, AdminLookups lookups,
                   ApplicationEventPublisher events) {
        this.users = users;
        this.hasher = hasher;
        this.lookups = lookups;
        this.events = events;
    }

    @PostMapping
    ResponseEntity<UserView> create(@PathVariable String org, @RequestBody CreateUser body) {
        Organization organization = lookups.organization(org);
        String username = Checks.username("username", body.username());
        String normalized = Usernames.normalize(username);
        if (normalized == null) {
            throw AdminError.invalid("username", "must not contain control or invisible format characters");
        }
        if (Usernames.key(normalized).length() > Usernames.MAX_KEY_LENGTH) {
            throw AdminError.invalid("username", "is too long once normalized");
        }
        username = normalized;
        String password = Checks.password("password", body.password());
        Set<String> roles = Checks.roles("roles", body.roles());
        String email = Checks.email("email", emptyToNull(body.email()));
        boolean enabled = body.enabled() == null || body.enabled();
        var existing = users.find(organization.id(), username);
        if (existing.isPresent()) {
            throw AdminError.conflict("username", "a user '" + existing.get().username() + "' already exists in"
                    + " organization '" + organization.name() + "' (usernames are unique ignoring case)");
        }
        String id = users.create(organization.id(), username, hasher.hash(password), roles, email, enabled).id();
        PrimaryUser user = stored(id); // as stored (the database rounds createdAt)
        return ResponseEntity.created(AdminLookups.location("organizations", organization.name(), "users", username))
                .body(UserView.of(user));
    }

    @GetMapping
    List<UserView> list(@PathVariable String org) {
        return users.findByOrganization(lookups.organization(org).id()).stream().map(UserView::of).toList();
    }

    @GetMapping("/{username}")
    UserView get(@PathVariable String org, @PathVariable String username) {
        return UserView.of(lookups.user(lookups.organization(org), username));
    }

    @PatchMapping("/{username}")
    UserView update(@PathVariable String org, @PathVariable String username, @RequestBody UpdateUser body) {
        PrimaryUser user = lookups.user(lookups.organization(org), username);
        if (body.username() != null && !body.username().equals(user.username())) {
            throw AdminError.invalid("username", "cannot be changed");
        }
        String password = body.password() == null ? null : Checks.password("password", body.password());
        Set<String> roles = body.roles() == null ? user.roles() : Checks.roles("roles", body.roles());
        String email = body.email() == null ? user.email() : Checks.email("email", emptyToNull(body.email()));
        boolean enabled = body.enabled() == null ? user.enabled() : body.enabled();
        if (password != null) {
            users.updatePasswordHash(user.id(), hasher.hash(password));
        }
        users.update(user.id(), roles, email, enabled);
        return UserView.of(stored(user.id()));
    }

    @DeleteMapping("/{username}")
    ResponseEntity<Void> delete(@PathVariable String org, @PathVariable String username) {
        PrimaryUser user = lookups.user(lookups.organization(org), username);
        if (users.delete(user.id())) {
            // applications owned by the user went with it: the gateway must forget them
            events.publishEvent(new RegistryChangedEvent("user"));
        }
        return ResponseEntity.noContent().build();
    }

    private PrimaryUser stored(String id) {
        return users.findById(id).orElseThrow(() -> AdminError.notFound("the user was deleted meanwhile"));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
