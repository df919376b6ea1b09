package dev.microposts.social;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The follow graph. Rows are keyed by an increasing id, so lists are "most recent follow first". */
@Repository
@ConditionalOnModule(ModuleId.SOCIAL)
class Follows {

    /** One edge seen from one side: the other user and the edge's key. */
    record Edge(long id, String username) {}

    private final JdbcClient jdbc;
    private final String skipDuplicate;

    Follows(JdbcClient jdbc, DataSource dataSource) {
        ModuleSchema.migrate(dataSource, "social");
        this.jdbc = jdbc;
        this.skipDuplicate = Sql.onConflictDoNothing(dataSource);
    }

    boolean exists(String follower, String followee) {
        return jdbc.sql("SELECT COUNT(*) FROM social_follows WHERE follower = ? AND followee = ?")
                        .params(follower, followee)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Returns false when the edge exists (a concurrent follow of the same pair won): on H2 as a
     * duplicate-key error, on PostgreSQL as no row inserted, which leaves the transaction usable.
     */
    boolean insert(String follower, String followee, Instant at) {
        return jdbc.sql("INSERT INTO social_follows (follower, followee, followed_at) VALUES (?, ?, ?)" + skipDuplicate)
                        .params(follower, followee, Sql.timestamp(at))
                        .update()
                == 1;
    }

    /**
     * The next revision of a pair's follow state, in the transaction of the change: the pair's
     * earlier row goes, a new one takes the next id. Called after the change's own statement, which
     * waits for a concurrent change of the pair, so revisions follow the order of the changes.
     */
    long nextRevision(String follower, String followee) {
        jdbc.sql("DELETE FROM social_follow_revisions WHERE follower = ? AND followee = ?")
                .params(follower, followee)
                .update();
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO social_follow_revisions (follower, followee) VALUES (?, ?)")
                .params(follower, followee)
                .update(keys, "revision");
        return keys.getKey().longValue();
    }

    boolean delete(String follower, String followee) {
        return jdbc.sql("DELETE FROM social_follows WHERE follower = ? AND followee = ?")
                        .params(follower, followee)
                        .update()
                > 0;
    }

    List<Edge> following(String follower, long before, int limit) {
        return jdbc.sql(
                        "SELECT id, followee FROM social_follows WHERE follower = ? AND id < ? ORDER BY id DESC LIMIT ?")
                .params(follower, before, limit)
                .query((rs, i) -> new Edge(rs.getLong(1), rs.getString(2)))
                .list();
    }

    List<Edge> followers(String followee, long before, int limit) {
        return jdbc.sql(
                        "SELECT id, follower FROM social_follows WHERE followee = ? AND id < ? ORDER BY id DESC LIMIT ?")
                .params(followee, before, limit)
                .query((rs, i) -> new Edge(rs.getLong(1), rs.getString(2)))
                .list();
    }
}
