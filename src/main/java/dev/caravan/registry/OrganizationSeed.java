package dev.caravan.registry;

/**
 * A bean that creates organizations and their data while the gateway starts (the demo's data,
 * say). Start-up steps that must see those organizations (declared userstores) wait for every
 * such bean.
 */
public interface OrganizationSeed {
}
