package dev.caravan.admin;

import dev.caravan.secrets.StoredSecrets;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The stored secrets as counts by the key that sealed them (to know when an old
 * {@code caravan.secrets} key may be dropped), and their re-sealing with the current key.
 * Admin only; answers hold key ids and counts, never a value.
 */
@RestController
class SecretsController {
    private final StoredSecrets secrets;

    SecretsController(StoredSecrets secrets) {
        this.secrets = secrets;
    }

    @AdminOnly
    @GetMapping(AdminWebConfiguration.BASE + "/secrets")
    StoredSecrets.Census census() {
        return secrets.census();
    }

    @AdminOnly
    @PostMapping(AdminWebConfiguration.BASE + "/secrets/reseal")
    StoredSecrets.Report reseal() {
        return secrets.reseal();
    }
}
