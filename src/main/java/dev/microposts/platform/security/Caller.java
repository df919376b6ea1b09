package dev.microposts.platform.security;

import dev.microposts.platform.web.ApiProblem;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The authenticated user of the current request, as named by the token's subject. */
public final class Caller {

    private Caller() {}

    /** The caller's username; 401 when the request carries no valid token. */
    public static String require() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token && token.isAuthenticated()) {
            return token.getName();
        }
        throw ApiProblem.unauthorized("A valid bearer token is required.");
    }

    /** 403 unless the caller is {@code owner}; call after the owner is known to exist. */
    public static void requireSelf(String caller, String owner) {
        if (!caller.equals(owner)) {
            throw ApiProblem.forbidden("The token's user may not change resources of another user.");
        }
    }
}
