package io.shoppulse.common.security;

import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.UUID;

/**
 * The tenant of the signed-in user, from the {@code tenant_id} claim that the realm maps from the user's attribute.
 * A token without one is refused rather than guessed: data must never cross tenants.
 */
@RequestScoped
public class CurrentTenant {

    public static final String CLAIM = "tenant_id";

    @Inject
    JsonWebToken token;

    public UUID id() {
        Object claim = token.getClaim(CLAIM);
        if (claim == null) {
            throw ProblemException.forbidden("The token carries no " + CLAIM + " claim.");
        }
        try {
            return UUID.fromString(claim.toString().replace("\"", ""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.forbidden("The token's " + CLAIM + " claim is not a UUID.");
        }
    }

    public String subject() {
        return token.getSubject();
    }
}
