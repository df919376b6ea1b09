package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.support.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Replication#catchUp} against two real PostgreSQL servers whose transactions commit with
 * {@code synchronous_commit = off} (the embedded servers' default, and a common production tuning):
 * a write acknowledged just before the catch-up must be on the subscriber when it returns true, as
 * the write switch drops the subscription right after it.
 */
class ReplicationCatchUpTests {

    @Test
    void everyWriteCommittedBeforeTheCatchUpIsOnTheSubscriberWhenItReturns() throws Exception {
        Database source =
                new Database("monolith's", EmbeddedPostgres.logicalServer().newDatabase(), null, null);
        Database target =
                new Database("service's", EmbeddedPostgres.logicalServer().newDatabase(), null, null);
        try (Connection publisher = source.connect();
                Connection subscriber = target.connect();
                Statement writes = publisher.createStatement();
                Statement sql = subscriber.createStatement()) {
            String table = "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text)";
            writes.execute(table);
            sql.execute(table);
            writes.execute("SET synchronous_commit = off");
            assertThat(Replication.single(publisher, "SHOW synchronous_commit")).isEqualTo("off");
            Replication.publish(publisher, "notes", List.of("notes"));
            Replication.createSlot(publisher, "notes_copy");
            Replication.subscribe(subscriber, "notes_copy", source.conninfo(), "notes", true, false);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"r".equals(Replication.tableStates(subscriber, "notes_copy").get("notes"))) {
                assertThat(System.nanoTime()).as("the subscription is ready").isLessThan(deadline);
                Thread.sleep(50);
            }

            for (int i = 1; i <= 30; i++) {
                writes.execute("INSERT INTO notes (body) VALUES ('note " + i + "')");
                assertThat(Replication.catchUp(publisher, "notes_copy", 10_000)).isTrue();
                assertThat(Replication.single(subscriber, "SELECT count(*) FROM notes"))
                        .as("rows on the subscriber right after catch-up number %d", i)
                        .isEqualTo(String.valueOf(i));
            }
            Replication.unsubscribe(subscriber, "notes_copy");
            Replication.dropSlot(publisher, "notes_copy");
        }
    }
}
