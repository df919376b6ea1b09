package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.posts.Micropost;
import dev.microposts.support.EmbeddedPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The home timeline read stays one range of the owner's index on a real PostgreSQL with fresh
 * statistics, where a plain join with the limit outside is planned as a merge join that scans
 * microposts from the newest down (a cost that grows with the table).
 */
class TimelineReadPlanTests {

    @Test
    void readsOnePageOfTheOwnersEntriesThenOnlyTheirMicroposts() throws Exception {
        DataSource dataSource =
                new SimpleDriverDataSource(new org.postgresql.Driver(), EmbeddedPostgres.newDatabase(), "postgres", "");
        Timelines timelines = new Timelines(JdbcClient.create(dataSource), dataSource);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        // 8,000 microposts of 400 authors; each of 400 owners has about a tenth of them
        jdbc.sql("INSERT INTO timeline_posts (post_id, author, text, referenced, created_at) "
                        + "SELECT g, 'u' || (g % 400), 'text ' || g, NULL, now() FROM generate_series(1, 8000) g")
                .update();
        jdbc.sql("INSERT INTO timeline_entries (owner, post_id) SELECT 'u' || o, g "
                        + "FROM generate_series(0, 399) o, generate_series(o % 10 + 1, 8000, 10) g")
                .update();
        jdbc.sql("ANALYZE").update();

        String plan = String.join(
                "\n",
                jdbc.sql("EXPLAIN " + Timelines.READ)
                        .params("u7", Long.MAX_VALUE, 11)
                        .query(String.class)
                        .list());
        assertThat(plan)
                .contains("Nested Loop")
                .doesNotContain("Merge Join")
                .doesNotContain("Hash Join")
                .doesNotContain("Seq Scan");

        List<Long> expected = jdbc.sql("SELECT post_id FROM timeline_entries WHERE owner = 'u7' ORDER BY post_id DESC")
                .query(Long.class)
                .list();
        List<Micropost> page = timelines.read("u7", Long.MAX_VALUE, 11);
        assertThat(page).extracting(Micropost::id).containsExactlyElementsOf(expected.subList(0, 11));
        List<Micropost> next = timelines.read("u7", page.get(10).id(), 11);
        assertThat(next).extracting(Micropost::id).containsExactlyElementsOf(expected.subList(11, 22));
    }
}
