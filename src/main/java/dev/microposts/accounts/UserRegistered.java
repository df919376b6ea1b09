package dev.microposts.accounts;

import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.events.Externalized;

/** A user was registered. Version 1. */
@Externalized("microposts.accounts::#{username()}")
public record UserRegistered(UUID id, Instant occurredAt, int version, String username, Instant joined) {

    public static UserRegistered of(String username, Instant joined) {
        return new UserRegistered(UUID.randomUUID(), Instant.now(), 1, username, joined);
    }
}
