package dev.microposts.accounts;

import dev.microposts.platform.web.Links;

/**
 * The absolute URL of a user, as the current request sees the API; other modules' resources of a
 * user (collection, timeline, following) are its sub-resources.
 */
public final class UserLinks {

    private UserLinks() {}

    public static String user(String username) {
        return Links.to("/api/users/" + Links.segment(username));
    }
}
