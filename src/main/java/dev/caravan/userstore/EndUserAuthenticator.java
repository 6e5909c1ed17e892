package dev.caravan.userstore;

import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The lookup order of the product: the primary userstore first; a user it does not know is
 * then checked in the organization's secondary userstore, if the organization has one.
 */
@Component
public class EndUserAuthenticator {
    private final PrimaryUserStore primary;
    private final SecondaryUserStores secondary;

    public EndUserAuthenticator(PrimaryUserStore primary, ObjectProvider<SecondaryUserStores> secondary) {
        this.primary = primary;
        this.secondary = secondary.getIfAvailable(() -> SecondaryUserStores.NONE);
    }

    public PrimaryUserStore primary() {
        return primary;
    }

    public SecondaryUserStores secondary() {
        return secondary;
    }

    /**
     * Whether a user who logged in before may still get tokens (refresh): an enabled user of the
     * primary store, or a user the organization's secondary store still knows. No password is checked.
     *
     * @throws dev.caravan.userstore.StoreUnavailableException if the secondary store
     *         cannot answer: that is not "the user is gone"
     */
    public boolean isActive(String organization, String username) {
        return current(organization, username).isPresent();
    }

    /**
     * The user as their store describes them now (roles and claims for refreshed tokens), if they
     * may still get tokens: an enabled primary user, or one the secondary store still knows.
     */
    public Optional<AuthenticatedUser> current(String organization, String username) {
        if (organization == null || username == null) {
            return Optional.empty();
        }
        var user = primary.find(organization, username);
        if (user.isPresent()) {
            return user.get().enabled() ? Optional.of(primary.toAuthenticated(user.get(), organization)) : Optional.empty();
        }
        return secondary.forOrganization(organization).flatMap(store -> store.lookup(organization, username));
    }

    public Verification authenticate(String organization, String username, char[] password) {
        Verification first = primary.verify(organization, username, password);
        if (!(first instanceof Verification.UnknownUser)) {
            return first;
        }
        return secondary.forOrganization(organization)
                .map(store -> store.verify(organization, username, password))
                .orElse(first);
    }
}
