package dev.microposts.accounts;

/**
 * The accounts module as other modules see it. Users are never deleted, so a {@code true}
 * answer stays true and may be cached.
 */
public interface Accounts {

    /** True when a user with exactly this username is registered; false for any other string. */
    boolean exists(String username);
}
