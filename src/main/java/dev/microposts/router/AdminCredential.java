package dev.microposts.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The admin credential of the router ({@code MICROPOSTS_ROUTER_ADMIN_TOKEN}); none when unset. */
final class AdminCredential {

    private final byte[] token;

    AdminCredential(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    boolean configured() {
        return token != null;
    }

    /** Whether a presented credential is the admin token, compared in constant time. */
    boolean matches(String presented) {
        return token != null
                && presented != null
                && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an {@code Authorization} header carries the admin token as a bearer credential. */
    boolean authorizes(String authorization) {
        return authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(authorization.substring(7).trim());
    }
}
