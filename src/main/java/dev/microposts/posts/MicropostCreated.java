package dev.microposts.posts;

import java.time.Instant;
import java.util.UUID;

/** A micropost was created. Carries the whole micropost. Version 1. */
public record MicropostCreated(UUID id, Instant occurredAt, int version, Micropost micropost) {

	public static MicropostCreated of(Micropost micropost) {
		return new MicropostCreated(UUID.randomUUID(), Instant.now(), 1, micropost);
	}
}
