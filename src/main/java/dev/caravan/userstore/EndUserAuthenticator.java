package dev.caravan.userstore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The stores an end user is looked up in, in the product's order: the primary userstore first;
 * a user it does not know is then checked in the organization's secondary userstore, if the
 * organization has one. The token route's steps ({@code PasswordGrantSteps}, {@code RefreshSteps})
 * ask them in that order without holding a thread.
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
}
