package dev.microposts.posts;

import java.time.Instant;

/**
 * A micropost as other modules see it. {@code id} is unique across the system and increases
 * with creation time; {@code referenced} is a username or null; {@code createdAt} never changes;
 * {@code revision} is 1 at creation and grows by one with every change, so of two copies the one
 * with the higher revision is the newer (0: unknown, from an event of before revisions).
 */
public record Micropost(long id, String author, String text, String referenced, Instant createdAt, long revision) {}
