package dev.caravan.gateway;

import dev.caravan.registry.ApiPolicy;

/**
 * The checks of an API policy that need the running gateway: mediators that exist, backend
 * security profiles that are configured, a queue policy only on a queue backend.
 */
public interface ApiPolicyCheck {

    /** A field of the API body and what is wrong with it. */
    record Problem(String field, String message) {}

    /** What is wrong with this policy for this backend, or null. */
    Problem problem(String backendUrl, ApiPolicy policy);
}
