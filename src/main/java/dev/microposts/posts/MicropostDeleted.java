package dev.microposts.posts;

import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.events.Externalized;

/** A micropost was deleted. Version 1. */
@Externalized("microposts.posts::#{micropostId()}")
public record MicropostDeleted(UUID id, Instant occurredAt, int version, long micropostId, String author) {

    public static MicropostDeleted of(long micropostId, String author) {
        return new MicropostDeleted(UUID.randomUUID(), Instant.now(), 1, micropostId, author);
    }
}
