package dev.microposts.platform.core;

import java.util.List;

/**
 * A rule of a module refused what was asked. Modules throw their own subclasses (a user that does
 * not exist, a username that is taken); the web edge answers each kind with its problem+json, so
 * module code knows nothing of HTTP and every caller of a module's service gets the same rules.
 */
public class DomainException extends RuntimeException {

    /** What kind of refusal, which the web edge turns into a status. */
    public enum Kind {
        /** A named thing does not exist. */
        NOT_FOUND,
        /** The command is invalid: see the field errors. */
        INVALID,
        /** It would contradict what exists (a taken name). */
        CONFLICT,
        /** Well-formed, but it contradicts an earlier command with the same identity (a reused idempotency key). */
        UNPROCESSABLE,
        /** The caller is not who it claims to be. */
        UNAUTHENTICATED,
        /** Too many attempts: try again after {@link #retryAfterSeconds()}. */
        THROTTLED,
        /** Something this depends on cannot answer now: try again shortly. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    protected DomainException(Kind kind, String message) {
        this(kind, message, List.of(), null);
    }

    protected DomainException(Kind kind, String message, List<FieldError> errors, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
