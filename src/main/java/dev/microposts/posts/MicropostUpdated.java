package dev.microposts.posts;

import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.events.Externalized;

/**
 * A micropost's text or reference was changed. Carries the whole micropost as it now is, with its
 * revision: of two updates the higher revision is the newer. Version 1 (an event written before
 * revisions existed reads as revision 0).
 */
@Externalized("microposts.posts::#{micropost().id()}")
public record MicropostUpdated(UUID id, Instant occurredAt, int version, Micropost micropost) {

    public static MicropostUpdated of(Micropost micropost) {
        return new MicropostUpdated(UUID.randomUUID(), Instant.now(), 1, micropost);
    }
}
