package dev.microposts.social;

import java.time.Instant;
import java.util.UUID;

import org.springframework.modulith.events.Externalized;

/** {@code follower} stopped following {@code followee}. Version 1. */
@Externalized("microposts.social::#{follower()}")
public record Unfollowed(UUID id, Instant occurredAt, int version, String follower, String followee) {

	public static Unfollowed of(String follower, String followee) {
		return new Unfollowed(UUID.randomUUID(), Instant.now(), 1, follower, followee);
	}
}
