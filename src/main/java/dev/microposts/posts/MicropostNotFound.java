package dev.microposts.posts;

import dev.microposts.platform.core.DomainException;

/** The user has no micropost of this id (it never existed, was deleted, or is another user's). */
class MicropostNotFound extends DomainException {

    MicropostNotFound(String author, String id) {
        super(Kind.NOT_FOUND, "There is no micropost " + id + " of user '" + author + "'.");
    }

    /** An Idempotency-Key of the author's that came with another body before (within 24 hours). */
    static final class IdempotencyKeyReused extends DomainException {

        IdempotencyKeyReused() {
            super(
                    Kind.UNPROCESSABLE,
                    "This Idempotency-Key was used with another body; use a new key for a new " + "micropost.");
        }
    }
}
