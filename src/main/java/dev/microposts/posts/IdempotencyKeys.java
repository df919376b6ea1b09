package dev.microposts.posts;

import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Creates by Idempotency-Key: which micropost a key of an author made, from which request body. */
@Repository
@ConditionalOnModule(ModuleId.POSTS)
class IdempotencyKeys {

    /** A key's first create: the body it came with (its SHA-256) and what it made. */
    record Recorded(String requestHash, long micropostId, Instant createdAt) {}

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc, Microposts schema) {
        // Microposts runs the module's migrations first
        this.jdbc = jdbc;
    }

    Optional<Recorded> find(String author, String key, Instant notBefore) {
        return jdbc.sql("SELECT request_hash, micropost_id, created_at FROM posts_idempotency_keys "
                        + "WHERE author = ? AND idem_key = ? AND created_at >= ?")
                .params(author, key, Sql.timestamp(notBefore))
                .query((rs, row) -> new Recorded(
                        rs.getString("request_hash"), rs.getLong("micropost_id"), Sql.instant(rs, "created_at")))
                .optional();
    }

    /**
     * Records a key's first create, in the create's transaction, after the author's expired keys
     * are dropped. A concurrent first use of the same key fails here with a duplicate key, which
     * undoes the whole create.
     */
    void insert(String author, String key, String requestHash, long micropostId, Instant at, Instant expiredBefore) {
        jdbc.sql("DELETE FROM posts_idempotency_keys WHERE author = ? AND created_at < ?")
                .params(author, Sql.timestamp(expiredBefore))
                .update();
        jdbc.sql("INSERT INTO posts_idempotency_keys (author, idem_key, request_hash, micropost_id, created_at) "
                        + "VALUES (?, ?, ?, ?, ?)")
                .params(author, key, requestHash, micropostId, Sql.timestamp(at))
                .update();
    }
}
