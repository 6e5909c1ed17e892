package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.jwt.SigningKeys;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The token signing keys: their kids, states and times (never key material), and a rotation
 * that starts a new key. Admin only: the keys sign every organization's tokens. A rotation is
 * recorded like every admin change ({@code ADMIN_CHANGE}, path {@code /api/v1/signing-keys}).
 */
@RestController
class SigningKeysController {

    /** The answer to a rotation: the new key, published now, and when it signs; the key it replaces and when that one retires. */
    record Rotated(String kid, SigningKeys.State state, Instant notBefore, Replaced replaces) {}

    record Replaced(String kid, Instant retireAfter) {}

    private final SigningKeys keys;

    SigningKeysController(SigningKeys keys) {
        this.keys = keys;
    }

    @AdminOnly
    @GetMapping(AdminWebConfiguration.BASE + "/signing-keys")
    List<SigningKeys.KeyState> list() {
        return keys.states();
    }

    @AdminOnly
    @PostMapping(AdminWebConfiguration.BASE + "/signing-keys")
    ResponseEntity<Rotated> rotate(@RequestBody(required = false) JsonNode body) {
        if (body != null && !body.isNull()) {
            if (!body.isObject()) {
                throw AdminError.invalid("body", "must be empty or {}");
            }
            if (body.size() > 0) {
                String field = body.fieldNames().next();
                throw AdminError.invalid(field, "is not a field of a rotation (it takes none)");
            }
        }
        SigningKeys.Rotation rotation;
        try {
            rotation = keys.rotate();
        } catch (SigningKeys.RotationInProgressException e) {
            throw AdminError.conflict(null, e.getMessage());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Rotated(rotation.kid(), SigningKeys.State.PENDING,
                rotation.notBefore(), rotation.replacedKid() == null ? null
                        : new Replaced(rotation.replacedKid(), rotation.replacedRetireAfter())));
    }
}
