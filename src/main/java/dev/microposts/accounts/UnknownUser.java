package dev.microposts.accounts;

import dev.microposts.platform.core.DomainException;

/** No user has this username: what any module answers for a user named in a path that does not exist. */
public class UnknownUser extends DomainException {

    public UnknownUser(String username) {
        super(Kind.NOT_FOUND, "There is no user '" + username + "'.");
    }
}
