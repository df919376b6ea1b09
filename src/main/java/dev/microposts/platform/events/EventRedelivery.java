package dev.microposts.platform.events;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.modulith.events.FailedEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Delivers again every event publication whose listener failed (a database or broker hiccup),
 * without waiting for a restart: the registry keeps each publication until its listener
 * completes, so this turns "recorded" into "delivered at least once". Listeners are idempotent.
 * <p>
 * Only failed publications are resubmitted, at most a batch per round, no more than the
 * listeners' queue has room for, and a bounded number at a time: resubmitting every incomplete one
 * also resubmitted those still waiting in the listeners' queue or still running, all at once into
 * that full queue, so a backlog grew itself (the microservices benchmark's loading). Publications
 * that neither complete nor fail (their process stopped, or the full queue left them to the
 * registry: {@link ListenerOverflow}) are marked failed by the registry's staleness monitor
 * ({@code spring.modulith.events.staleness.*}) and then come here.
 * <p>
 * While this database is the replica of a module written by event listeners (a migration has its
 * writes on the other side: {@link ReplicaFence}), that module's failed publications wait: their
 * publication time is moved to now every round, so they are not delivered again in vain and, the
 * registry choosing the oldest first, do not keep the other failed publications waiting. Once the
 * writes come back they are delivered again like any other.
 */
@Component
class EventRedelivery implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(EventRedelivery.class);

    private final FailedEventPublications failed;
    private final Executor listeners;
    private final Duration minimumAge;
    private final int batch;
    private final Duration every;

    private final DataSource data;
    private final ReplicaFence fence;
    private final List<ModuleId> fenced;

    EventRedelivery(
            FailedEventPublications failed,
            @Qualifier("applicationTaskExecutor") Executor listeners,
            EventsProperties settings,
            MicropostsProperties topology,
            ObjectProvider<DataSource> dataSource) {
        this.data = dataSource.getIfAvailable();
        this.fence = new ReplicaFence(data);
        this.fenced = topology.localModules().stream()
                .filter(module -> !module.consumes().isEmpty())
                .toList();
        this.failed = failed;
        this.listeners = listeners;
        this.minimumAge = settings.redeliverAfter();
        this.batch = settings.redeliverBatch();
        this.every = settings.redeliverEvery();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(this::redeliver, every, every));
    }

    void redeliver() {
        int room = listeners instanceof ThreadPoolTaskExecutor pool
                ? Math.min(batch, pool.getThreadPoolExecutor().getQueue().remainingCapacity())
                : batch;
        if (room == 0) {
            return; // the listeners are busy with a burst: what failed waits for the next round
        }
        deferReplicaListeners();
        try {
            failed.resubmit(ResubmissionOptions.defaults()
                    .withMinAge(minimumAge)
                    .withBatchSize(room)
                    .withMaxInFlight(batch));
        } catch (RuntimeException ex) {
            log.warn("Could not redeliver failed event publications: {}", ex.getMessage());
        }
    }

    /** The failed publications of the modules whose tables are a replica here, put back to now. */
    void deferReplicaListeners() {
        for (ModuleId module : fenced) {
            try {
                if (!fence.replica(module)) {
                    continue;
                }
                try (Connection connection = data.getConnection();
                        PreparedStatement defer = connection.prepareStatement("UPDATE event_publication SET"
                                + " publication_date = ? WHERE status = 'FAILED' AND completion_date IS NULL"
                                + " AND listener_id LIKE ?")) {
                    defer.setTimestamp(1, Timestamp.from(Instant.now()));
                    defer.setString(2, "dev.microposts." + module.id() + ".%");
                    defer.executeUpdate();
                }
            } catch (SQLException ex) {
                log.warn("Could not defer the failed publications of {}: {}", module.id(), ex.getMessage());
            }
        }
    }
}
