package dev.microposts.timeline;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.posts.Micropost;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The timeline module's tables. Every write is idempotent, so an event delivered twice changes
 * nothing the second time. SQL is the portable subset of H2 and PostgreSQL, and PostgreSQL's
 * {@code ON CONFLICT DO NOTHING} where a write can race with a copy of itself.
 */
@Repository
@ConditionalOnModule(ModuleId.TIMELINE)
class Timelines {

    private final JdbcClient jdbc;
    /** Appended to every INSERT: a concurrent copy of the same row is skipped, not an error. */
    private final String skipDuplicate;

    Timelines(JdbcClient jdbc, DataSource dataSource) {
        ModuleSchema.migrate(dataSource, "timeline");
        this.jdbc = jdbc;
        this.skipDuplicate = Sql.onConflictDoNothing(dataSource);
    }

    /**
     * Stores the copy of a micropost, or refreshes it when this one is newer (a higher revision):
     * an older update that arrives late changes nothing, nor does any copy of a deleted micropost.
     */
    void savePost(Micropost post) {
        if (refresh(post) == 0 && savePostIfAbsent(post) == 0) {
            refresh(post); // a concurrent delivery inserted it first
        }
    }

    private int refresh(Micropost post) {
        return jdbc.sql("UPDATE timeline_posts SET text = ?, referenced = ?, revision = ? WHERE post_id = ? "
                        + "AND revision < ?")
                .params(post.text(), post.referenced(), post.revision(), post.id(), post.revision())
                .update();
    }

    /** Stores a copy unless one exists or the micropost was deleted: a late creation never overwrites an edit. */
    int savePostIfAbsent(Micropost post) {
        try {
            return jdbc.sql("INSERT INTO timeline_posts (post_id, author, text, referenced, created_at, revision) "
                            + "SELECT ?, ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) "
                            + "WHERE NOT EXISTS (SELECT 1 FROM timeline_posts WHERE post_id = ?) "
                            + "AND NOT EXISTS (SELECT 1 FROM timeline_deleted_posts WHERE post_id = ?)" + skipDuplicate)
                    .params(
                            post.id(),
                            post.author(),
                            post.text(),
                            post.referenced(),
                            Sql.timestamp(post.createdAt()),
                            post.revision(),
                            post.id(),
                            post.id())
                    .update();
        } catch (DuplicateKeyException concurrentCopy) {
            return 0; // a concurrent delivery of the same event wrote it
        }
    }

    /** Whether the micropost was deleted (ids are never reused, so that is for good). */
    boolean deleted(long postId) {
        return jdbc.sql("SELECT COUNT(*) FROM timeline_deleted_posts WHERE post_id = ?")
                        .param(postId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Puts a micropost in its author's timeline and in those of the author's followers (unless deleted). */
    void fanOut(long postId, String author) {
        if (deleted(postId)) {
            return;
        }
        addEntry(author, postId);
        try {
            jdbc.sql("INSERT INTO timeline_entries (owner, post_id) SELECT f.follower, ? FROM timeline_follows f "
                            + "WHERE f.followee = ? AND NOT EXISTS (SELECT 1 FROM timeline_entries e "
                            + "WHERE e.owner = f.follower AND e.post_id = ?)" + skipDuplicate)
                    .params(postId, author, postId)
                    .update();
        } catch (DuplicateKeyException concurrentCopy) {
            // H2: a follow's backfill wrote one of these entries meanwhile; the statement was
            // undone as a whole, so run it again: it now skips what exists
            fanOut(postId, author);
        }
    }

    void addEntry(String owner, long postId) {
        try {
            jdbc.sql("INSERT INTO timeline_entries (owner, post_id) SELECT ?, ? FROM (VALUES (1)) AS one(x) "
                            + "WHERE NOT EXISTS (SELECT 1 FROM timeline_entries WHERE owner = ? AND post_id = ?)"
                            + skipDuplicate)
                    .params(owner, postId, owner, postId)
                    .update();
        } catch (DuplicateKeyException alreadyThere) {
            // a concurrent delivery of the same event wrote it
        }
    }

    /** Forgets a micropost and remembers that it was deleted, so that no late event brings it back. */
    void deletePost(long postId) {
        try {
            jdbc.sql("INSERT INTO timeline_deleted_posts (post_id) SELECT ? FROM (VALUES (1)) AS one(x) "
                            + "WHERE NOT EXISTS (SELECT 1 FROM timeline_deleted_posts WHERE post_id = ?)"
                            + skipDuplicate)
                    .params(postId, postId)
                    .update();
        } catch (DuplicateKeyException alreadyThere) {
            // a concurrent delivery of the same event wrote it
        }
        forget(postId);
    }

    /** Takes a micropost out of every timeline (its entries and its copy). */
    void forget(long postId) {
        jdbc.sql("DELETE FROM timeline_entries WHERE post_id = ?").param(postId).update();
        jdbc.sql("DELETE FROM timeline_posts WHERE post_id = ?").param(postId).update();
    }

    /**
     * Run once a creation has committed. Under READ COMMITTED, a delete or an unfollow applied at the
     * same time cannot see the creation's uncommitted rows, and the creation did not see theirs. Now
     * that both are visible to whichever of the two settles last, the micropost is taken out again
     * where it does not belong. The delete's and the unfollow's own settling does the same from
     * their side, so one of the two always sees the other, whatever the order of the commits.
     */
    void settleCreated(long postId, String author) {
        if (deleted(postId)) {
            forget(postId);
            return;
        }
        jdbc.sql("DELETE FROM timeline_entries WHERE post_id = ? AND owner IN (SELECT follower FROM"
                        + " timeline_follow_revisions WHERE followee = ? AND NOT following)")
                .params(postId, author)
                .update();
    }

    /**
     * Removes the followee's microposts from the follower's timeline unless the follower follows
     * it: as part of an unfollow, and again once the unfollow has committed (see {@link
     * #settleCreated}).
     */
    void settleUnfollow(String follower, String followee) {
        jdbc.sql("DELETE FROM timeline_entries WHERE owner = ? AND post_id IN (SELECT post_id FROM timeline_posts"
                        + " WHERE author = ?) AND NOT EXISTS (SELECT 1 FROM timeline_follows WHERE follower = ? AND"
                        + " followee = ?)")
                .params(follower, followee, follower, followee)
                .update();
    }

    void saveFollow(String follower, String followee) {
        try {
            jdbc.sql("INSERT INTO timeline_follows (follower, followee) SELECT ?, ? FROM (VALUES (1)) AS one(x) "
                            + "WHERE NOT EXISTS (SELECT 1 FROM timeline_follows WHERE follower = ? AND followee = ?)"
                            + skipDuplicate)
                    .params(follower, followee, follower, followee)
                    .update();
        } catch (DuplicateKeyException alreadyThere) {
            // a concurrent delivery of the same event wrote it
        }
    }

    /**
     * Records a pair's change when it is newer than the last one applied (a higher revision) and
     * says whether it is; an older one, arriving late, is to be ignored. Revision 0 (an event from
     * before revisions) is always applied and recorded nowhere. A follow is recorded with its
     * backfill pending, an unfollow without.
     */
    boolean advanceFollow(String follower, String followee, long revision, boolean following) {
        if (revision == 0) {
            return true;
        }
        if (jdbc.sql("UPDATE timeline_follow_revisions SET revision = ?, following = ?, backfill_pending = ?"
                                + " WHERE follower = ? AND followee = ? AND revision < ?")
                        .params(revision, following, following, follower, followee, revision)
                        .update()
                > 0) {
            return true;
        }
        try {
            return jdbc.sql("INSERT INTO timeline_follow_revisions (follower, followee, revision, following,"
                                    + " backfill_pending) SELECT ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) WHERE NOT"
                                    + " EXISTS (SELECT 1 FROM timeline_follow_revisions WHERE follower = ? AND"
                                    + " followee = ?)" + skipDuplicate)
                            .params(follower, followee, revision, following, following, follower, followee)
                            .update()
                    > 0;
        } catch (DuplicateKeyException concurrentCopy) {
            return false;
        }
    }

    /** Whether the follow of this revision is the pair's last applied change and its backfill is still to do. */
    boolean backfillPending(String follower, String followee, long revision) {
        if (revision == 0) {
            return false;
        }
        return jdbc.sql("SELECT COUNT(*) FROM timeline_follow_revisions WHERE follower = ? AND followee = ?"
                                + " AND revision = ? AND following AND backfill_pending")
                        .params(follower, followee, revision)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** The follow of this revision has its backfill. */
    void backfilled(String follower, String followee, long revision) {
        jdbc.sql("UPDATE timeline_follow_revisions SET backfill_pending = FALSE WHERE follower = ? AND followee = ?"
                        + " AND revision = ? AND backfill_pending")
                .params(follower, followee, revision)
                .update();
    }

    /**
     * Whether the pair's last applied change is still the follow of this revision, locking it: an
     * unfollow that comes meanwhile waits for the caller's transaction (the follow's backfill) and
     * then removes what it wrote.
     */
    boolean stillFollowing(String follower, String followee, long revision) {
        if (revision == 0) {
            return follows(follower, followee);
        }
        return jdbc.sql("SELECT following FROM timeline_follow_revisions WHERE follower = ? AND followee = ? "
                        + "AND revision = ? FOR UPDATE")
                .params(follower, followee, revision)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    boolean follows(String follower, String followee) {
        return jdbc.sql("SELECT COUNT(*) FROM timeline_follows WHERE follower = ? AND followee = ?")
                        .params(follower, followee)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Removes the edge and the followee's microposts from the follower's timeline. */
    void removeFollow(String follower, String followee) {
        jdbc.sql("DELETE FROM timeline_follows WHERE follower = ? AND followee = ?")
                .params(follower, followee)
                .update();
        settleUnfollow(follower, followee);
    }

    /**
     * A home timeline page: newest first, below the cursor. The page's entries are picked first
     * (one range of the owner's index) and only they are joined to their microposts: written as
     * one join with the limit outside, PostgreSQL with fresh statistics merge-joins the owner's
     * entries against all microposts from the newest down, a scan that grows with the table.
     */
    List<Micropost> read(String owner, long before, int limit) {
        return jdbc.sql(READ).params(owner, before, limit).query(Timelines::map).list();
    }

    static final String READ = "SELECT p.post_id, p.author, p.text, p.referenced, p.created_at, p.revision FROM "
            + "(SELECT post_id FROM timeline_entries WHERE owner = ? AND post_id < ? ORDER BY post_id DESC LIMIT ?) e "
            + "JOIN timeline_posts p ON p.post_id = e.post_id ORDER BY p.post_id DESC";

    private static Micropost map(ResultSet rs, int row) throws SQLException {
        return new Micropost(
                rs.getLong("post_id"),
                rs.getString("author"),
                rs.getString("text"),
                rs.getString("referenced"),
                Sql.instant(rs, "created_at"),
                rs.getLong("revision"));
    }
}
