package dev.microposts.posts;

import dev.microposts.platform.core.DomainException;

/** The user has no micropost of this id (it never existed, was deleted, or is another user's). */
class MicropostNotFound extends DomainException {

	MicropostNotFound(String author, String id) {
		super(Kind.NOT_FOUND, "There is no micropost " + id + " of user '" + author + "'.");
	}
}
