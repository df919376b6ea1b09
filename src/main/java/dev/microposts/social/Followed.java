package dev.microposts.social;

import java.time.Instant;
import java.util.UUID;

import org.springframework.modulith.events.Externalized;

/** {@code follower} started following {@code followee}. Version 1. */
@Externalized("microposts.social::#{follower()}")
public record Followed(UUID id, Instant occurredAt, int version, String follower, String followee) {

	public static Followed of(String follower, String followee) {
		return new Followed(UUID.randomUUID(), Instant.now(), 1, follower, followee);
	}
}
