package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.support.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The two halves of a consuming module's fence on a real PostgreSQL: a listener transaction holds
 * the module's lock, shared, until it ends; {@code migrate} closes the fence only once no listener
 * transaction runs, gives up when the time given runs out, and, while it waits, new listener
 * transactions queue behind it instead of keeping the fence open.
 */
class FenceLocksPostgresTests {

    private final String url = EmbeddedPostgres.newDatabase();
    private final long key = ReplicaFence.lockKey(ModuleId.TIMELINE);

    @Test
    void aListenerTransactionHoldsTheFenceUntilItEndsAndOutsideOneItIsRefused() throws Exception {
        DriverManagerDataSource data = new DriverManagerDataSource(url);
        ReplicaFence fence = new ReplicaFence(data);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(data));
        try (Connection migrate = DriverManager.getConnection(url)) {
            transaction.executeWithoutResult(status -> {
                fence.enter(ModuleId.TIMELINE);
                try {
                    assertThat(Replication.closeFence(migrate, key, 200)).isFalse();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            assertThat(Replication.closeFence(migrate, key, 200)).isTrue();
            Replication.openFence(migrate, key);
        }
        assertThatThrownBy(() -> fence.enter(ModuleId.TIMELINE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void migrateWaitingForTheFenceMakesNewListenersQueueBehindIt() throws Exception {
        try (Connection running = DriverManager.getConnection(url);
                Connection migrate = DriverManager.getConnection(url);
                Connection arriving = DriverManager.getConnection(url);
                Statement listener = running.createStatement();
                Statement late = arriving.createStatement()) {
            running.setAutoCommit(false);
            listener.execute("SELECT pg_advisory_xact_lock_shared(" + key + ")");
            CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> close(migrate, 10_000));
            Thread.sleep(300); // migrate now waits for the running listener
            // a listener that comes now does not get in ahead of it
            var in = late.executeQuery("SELECT pg_try_advisory_lock_shared(" + key + ")");
            in.next();
            assertThat(in.getBoolean(1)).isFalse();
            running.commit();
            assertThat(closing.get(10, TimeUnit.SECONDS)).isTrue();
            Replication.openFence(migrate, key);
        }
    }

    private static boolean close(Connection migrate, long millis) {
        try {
            return Replication.closeFence(migrate, ReplicaFence.lockKey(ModuleId.TIMELINE), millis);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
