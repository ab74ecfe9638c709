package io.shoppulse.common.security;

/** The realm roles every service checks; they are defined in the Keycloak realm file under infra/keycloak. */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String ANALYST = "analyst";
    public static final String MARKETER = "marketer";
    public static final String STORE_MANAGER = "store-manager";
    public static final String VIEWER = "viewer";

    private Roles() {
    }
}
