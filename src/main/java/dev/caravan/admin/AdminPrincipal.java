package dev.caravan.admin;

/**
 * Who is calling the admin API: the admin (no organization, full access) or a publisher,
 * who may manage only {@code organization}.
 */
public record AdminPrincipal(String name, String organization) {
    /** The request attribute the authentication filter puts the principal under. */
    public static final String ATTRIBUTE = AdminPrincipal.class.getName();

    static AdminPrincipal admin(String name) {
        return new AdminPrincipal(name, null);
    }

    static AdminPrincipal publisher(String qualifiedName, String organization) {
        return new AdminPrincipal(qualifiedName, organization);
    }

    public boolean isAdmin() {
        return organization == null;
    }

    public boolean mayManage(String org) {
        return isAdmin() || organization.equals(org);
    }
}
