package dev.caravan.gateway;

import dev.caravan.registry.ApiPolicy;

/**
 * The checks of an API policy that need the running gateway: a backend URL leading to an
 * address the gateway calls ({@link BackendAddressPolicy}), mediators that exist, a backend
 * security profile available to the API (its organization and backend host), a queue policy
 * only on a queue backend.
 */
public interface ApiPolicyCheck {

    /** A field of the API body and what is wrong with it. */
    record Problem(String field, String message) {}

    /** What is wrong with this policy for this backend in an API of this organization (its name), or null. */
    Problem problem(String organization, String backendUrl, ApiPolicy policy);
}
