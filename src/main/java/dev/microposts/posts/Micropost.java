package dev.microposts.posts;

import java.time.Instant;

/**
 * A micropost as other modules see it. {@code id} is unique across the system and increases
 * with creation time; {@code referenced} is a username or null; {@code createdAt} never changes.
 */
public record Micropost(long id, String author, String text, String referenced, Instant createdAt) {
}
