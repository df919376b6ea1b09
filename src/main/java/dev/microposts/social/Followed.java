package dev.microposts.social;

import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.events.Externalized;

/**
 * {@code follower} started following {@code followee}. {@code revision} orders the pair's follows
 * and unfollows: the higher is the newer (0: from before revisions existed). Version 1.
 */
@Externalized("microposts.social::#{follower()}")
public record Followed(UUID id, Instant occurredAt, int version, String follower, String followee, long revision) {

    public static Followed of(String follower, String followee, long revision) {
        return new Followed(UUID.randomUUID(), Instant.now(), 1, follower, followee, revision);
    }
}
