package dev.microposts.posts;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The posts module's table. Every list is newest first and reads one indexed range. */
@Repository
@ConditionalOnModule(ModuleId.POSTS)
class Microposts {

    private static final String COLUMNS =
            "SELECT id, author, text, referenced, created_at, revision FROM posts_microposts ";

    private final JdbcClient jdbc;

    Microposts(JdbcClient jdbc, DataSource dataSource) {
        ModuleSchema.migrate(dataSource, "posts");
        this.jdbc = jdbc;
    }

    Micropost insert(String author, String text, String referenced, Instant createdAt) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO posts_microposts (author, text, referenced, created_at) VALUES (?, ?, ?, ?)")
                .params(author, text, referenced, Sql.timestamp(createdAt))
                .update(keys, "id");
        long id = keys.getKey().longValue();
        return new Micropost(id, author, text, referenced, createdAt, 1);
    }

    Optional<Micropost> find(String author, long id) {
        return jdbc.sql(COLUMNS + "WHERE id = ? AND author = ?")
                .params(id, author)
                .query(Microposts::map)
                .optional();
    }

    /**
     * Changes a micropost's text and reference and gives it the next revision; empty when it is
     * gone (deleted meanwhile). Call in a transaction: the update's row lock makes the revision read
     * back this change's.
     */
    Optional<Micropost> update(String author, long id, String text, String referenced) {
        int changed = jdbc.sql("UPDATE posts_microposts SET text = ?, referenced = ?, revision = revision + 1 "
                        + "WHERE id = ? AND author = ?")
                .params(text, referenced, id, author)
                .update();
        return changed == 0 ? Optional.empty() : find(author, id);
    }

    boolean delete(String author, long id) {
        return jdbc.sql("DELETE FROM posts_microposts WHERE id = ? AND author = ?")
                        .params(id, author)
                        .update()
                > 0;
    }

    List<Micropost> byAuthor(String author, long before, int limit) {
        return jdbc.sql(COLUMNS + "WHERE author = ? AND id < ? ORDER BY id DESC LIMIT ?")
                .params(author, before, limit)
                .query(Microposts::map)
                .list();
    }

    /** Case-insensitive substring search in which every character of {@code term} is literal. */
    List<Micropost> byAuthorMatching(String author, String term, long before, int limit) {
        return jdbc.sql(COLUMNS + "WHERE author = ? AND id < ? AND LOWER(text) LIKE LOWER(?) ESCAPE '\\' "
                        + "ORDER BY id DESC LIMIT ?")
                .params(author, before, "%" + Sql.likeLiteral(term) + "%", limit)
                .query(Microposts::map)
                .list();
    }

    List<Micropost> mentioning(String username, long before, int limit) {
        return jdbc.sql(COLUMNS + "WHERE referenced = ? AND id < ? ORDER BY id DESC LIMIT ?")
                .params(username, before, limit)
                .query(Microposts::map)
                .list();
    }

    private static Micropost map(ResultSet rs, int row) throws SQLException {
        return new Micropost(
                rs.getLong("id"),
                rs.getString("author"),
                rs.getString("text"),
                rs.getString("referenced"),
                Sql.instant(rs, "created_at"),
                rs.getLong("revision"));
    }
}
