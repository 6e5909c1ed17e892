package dev.caravan.mediation;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * User route files ({@code caravan.mediation.*}).
 *
 * @param routesDir      directory of users' own routes ({@code *.yaml}, {@code *.yml}, {@code *.xml});
 *                       a missing directory is empty
 * @param mediatorsDir   directory of route templates that API definitions reference by template id;
 *                       a template here replaces a packaged one with the same id
 * @param reloadInterval how often both directories are checked for new, changed and deleted files;
 *                       {@code 0}: loaded once at start-up, never reloaded
 */
@Validated
@ConfigurationProperties("caravan.mediation")
public record MediationProperties(
        @DefaultValue("./user-routes") @NotBlank String routesDir,
        @DefaultValue("./mediators") @NotBlank String mediatorsDir,
        @DefaultValue("2s") @NotNull Duration reloadInterval) {

    public MediationProperties {
        if (reloadInterval != null && reloadInterval.isNegative()) {
            throw new IllegalArgumentException("caravan.mediation.reload-interval must not be negative");
        }
    }
}
