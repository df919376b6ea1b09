package dev.microposts.timeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.posts.Micropost;

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

	/** Stores or refreshes the copy of a micropost. */
	void savePost(Micropost post) {
		if (refresh(post) == 0 && insertPost(post) == 0) {
			refresh(post); // a concurrent delivery inserted it first
		}
	}

	private int refresh(Micropost post) {
		return jdbc.sql("UPDATE timeline_posts SET text = ?, referenced = ? WHERE post_id = ?")
				.params(post.text(), post.referenced(), post.id()).update();
	}

	private int insertPost(Micropost post) {
		try {
			return jdbc.sql("INSERT INTO timeline_posts (post_id, author, text, referenced, created_at) "
					+ "VALUES (?, ?, ?, ?, ?)" + skipDuplicate)
					.params(post.id(), post.author(), post.text(), post.referenced(), Sql.timestamp(post.createdAt()))
					.update();
		}
		catch (DuplicateKeyException concurrentCopy) {
			return 0;
		}
	}

	/** Stores a copy unless one exists: a late creation event never overwrites a newer edit. */
	void savePostIfAbsent(Micropost post) {
		try {
			jdbc.sql("INSERT INTO timeline_posts (post_id, author, text, referenced, created_at) "
					+ "SELECT ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) "
					+ "WHERE NOT EXISTS (SELECT 1 FROM timeline_posts WHERE post_id = ?)" + skipDuplicate)
					.params(post.id(), post.author(), post.text(), post.referenced(), Sql.timestamp(post.createdAt()),
							post.id())
					.update();
		}
		catch (DuplicateKeyException concurrentCopy) {
			// a concurrent delivery of the same event wrote it
		}
	}

	/** Puts a micropost in its author's timeline and in those of the author's followers. */
	void fanOut(long postId, String author) {
		addEntry(author, postId);
		try {
			jdbc.sql("INSERT INTO timeline_entries (owner, post_id) SELECT f.follower, ? FROM timeline_follows f "
					+ "WHERE f.followee = ? AND NOT EXISTS (SELECT 1 FROM timeline_entries e "
					+ "WHERE e.owner = f.follower AND e.post_id = ?)" + skipDuplicate)
					.params(postId, author, postId).update();
		}
		catch (DuplicateKeyException concurrentCopy) {
			// H2: a follow's backfill wrote one of these entries meanwhile; the statement was
			// undone as a whole, so run it again: it now skips what exists
			fanOut(postId, author);
		}
	}

	void addEntry(String owner, long postId) {
		try {
			jdbc.sql("INSERT INTO timeline_entries (owner, post_id) SELECT ?, ? FROM (VALUES (1)) AS one(x) "
					+ "WHERE NOT EXISTS (SELECT 1 FROM timeline_entries WHERE owner = ? AND post_id = ?)" + skipDuplicate)
					.params(owner, postId, owner, postId).update();
		}
		catch (DuplicateKeyException alreadyThere) {
			// a concurrent delivery of the same event wrote it
		}
	}

	void deletePost(long postId) {
		jdbc.sql("DELETE FROM timeline_entries WHERE post_id = ?").param(postId).update();
		jdbc.sql("DELETE FROM timeline_posts WHERE post_id = ?").param(postId).update();
	}

	void saveFollow(String follower, String followee) {
		try {
			jdbc.sql("INSERT INTO timeline_follows (follower, followee) SELECT ?, ? FROM (VALUES (1)) AS one(x) "
					+ "WHERE NOT EXISTS (SELECT 1 FROM timeline_follows WHERE follower = ? AND followee = ?)" + skipDuplicate)
					.params(follower, followee, follower, followee).update();
		}
		catch (DuplicateKeyException alreadyThere) {
			// a concurrent delivery of the same event wrote it
		}
	}

	boolean follows(String follower, String followee) {
		return jdbc.sql("SELECT COUNT(*) FROM timeline_follows WHERE follower = ? AND followee = ?")
				.params(follower, followee).query(Long.class).single() > 0;
	}

	/** Removes the edge and the followee's microposts from the follower's timeline. */
	void removeFollow(String follower, String followee) {
		jdbc.sql("DELETE FROM timeline_follows WHERE follower = ? AND followee = ?").params(follower, followee)
				.update();
		jdbc.sql("DELETE FROM timeline_entries WHERE owner = ? AND post_id IN "
				+ "(SELECT post_id FROM timeline_posts WHERE author = ?)").params(follower, followee).update();
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

	static final String READ = "SELECT p.post_id, p.author, p.text, p.referenced, p.created_at FROM "
			+ "(SELECT post_id FROM timeline_entries WHERE owner = ? AND post_id < ? ORDER BY post_id DESC LIMIT ?) e "
			+ "JOIN timeline_posts p ON p.post_id = e.post_id ORDER BY p.post_id DESC";

	private static Micropost map(ResultSet rs, int row) throws SQLException {
		return new Micropost(rs.getLong("post_id"), rs.getString("author"), rs.getString("text"),
				rs.getString("referenced"), Sql.instant(rs, "created_at"));
	}
}
