package dev.microposts.accounts;

import java.time.Instant;
import java.util.UUID;

/** A user was registered. Version 1. */
public record UserRegistered(UUID id, Instant occurredAt, int version, String username, Instant joined) {

	public static UserRegistered of(String username, Instant joined) {
		return new UserRegistered(UUID.randomUUID(), Instant.now(), 1, username, joined);
	}
}
