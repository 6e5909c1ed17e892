package dev.caravan.jwt;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the token signing keys follow the database and rotate.
 *
 * @param reloadInterval how often each node reads the key set again (new keys, retire times)
 * @param rotationDelay  how long after a rotation the new key starts signing; it is published and
 *                       accepted at once. Must be longer than {@code reloadInterval}, so every node
 *                       holds the key before any token carries it, and should be at least as long
 *                       as backends cache the JWKS ({@code /oauth2/jwks} says {@code max-age=300})
 */
@Validated
@ConfigurationProperties("caravan.jwt.keys")
public record SigningKeyProperties(
        @DefaultValue("30s") @NotNull Duration reloadInterval,
        @DefaultValue("10m") @NotNull Duration rotationDelay) {

    public SigningKeyProperties {
        if (reloadInterval == null || reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalStateException("caravan.jwt.keys.reload-interval must be positive");
        }
        if (rotationDelay == null || rotationDelay.compareTo(reloadInterval) <= 0) {
            throw new IllegalStateException("caravan.jwt.keys.rotation-delay (" + rotationDelay
                    + ") must be longer than caravan.jwt.keys.reload-interval (" + reloadInterval
                    + "): every node must have loaded a new key before it signs");
        }
    }

    /** The defaults: reload every 30 s, a new key signs 10 min after the rotation. */
    public static SigningKeyProperties defaults() {
        return new SigningKeyProperties(Duration.ofSeconds(30), Duration.ofMinutes(10));
    }
}
