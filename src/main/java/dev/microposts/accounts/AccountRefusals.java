package dev.microposts.accounts;

import dev.microposts.platform.core.DomainException;

/** The accounts module's refusals of registration and login. */
final class AccountRefusals {

    private AccountRefusals() {}

    static final class UsernameTaken extends DomainException {

        UsernameTaken(String username) {
            super(Kind.CONFLICT, "The username '" + username + "' is taken.");
        }
    }

    /** The same answer for an unknown user and a wrong password. */
    static final class BadCredentials extends DomainException {

        BadCredentials() {
            super(Kind.UNAUTHENTICATED, "The username or password is wrong.");
        }
    }

    static final class LoginThrottled extends DomainException {

        LoginThrottled(long retryAfterSeconds) {
            super(
                    Kind.THROTTLED,
                    "Too many failed logins for this username; try again in " + retryAfterSeconds + " seconds.",
                    java.util.List.of(),
                    retryAfterSeconds);
        }
    }

    /** Every password hash this process may run at once is running, and none ended in time. */
    static final class HashingBusy extends DomainException {

        HashingBusy() {
            super(
                    Kind.UNAVAILABLE,
                    "Too many logins and registrations at once; try again shortly.",
                    java.util.List.of(),
                    1L);
        }
    }
}
