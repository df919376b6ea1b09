package dev.microposts.social;

import java.time.Instant;
import java.util.UUID;

/** {@code follower} started following {@code followee}. Version 1. */
public record Followed(UUID id, Instant occurredAt, int version, String follower, String followee) {

	public static Followed of(String follower, String followee) {
		return new Followed(UUID.randomUUID(), Instant.now(), 1, follower, followee);
	}
}
