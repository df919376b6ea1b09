package dev.microposts.posts;

import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.events.Externalized;

/** A micropost was created. Carries the whole micropost (revision 1). Version 1. */
@Externalized("microposts.posts::#{micropost().id()}")
public record MicropostCreated(UUID id, Instant occurredAt, int version, Micropost micropost) {

    public static MicropostCreated of(Micropost micropost) {
        return new MicropostCreated(UUID.randomUUID(), Instant.now(), 1, micropost);
    }
}
