package dev.caravan.userstore;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/** At start-up, gives the primary users stored without a comparison key theirs (see V6 and {@link Usernames#key}). */
@Component
class PrimaryUsernameKeys implements SmartInitializingSingleton {
    private final PrimaryUserRepository users;

    PrimaryUsernameKeys(PrimaryUserRepository users) {
        this.users = users;
    }

    @Override
    public void afterSingletonsInstantiated() {
        users.assignMissingKeys();
    }
}
