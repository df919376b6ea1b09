package dev.microposts.platform.events;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 */
@Component
class EventRedelivery implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(EventRedelivery.class);

    private final FailedEventPublications failed;
    private final Executor listeners;
    private final Duration minimumAge;
    private final int batch;
    private final Duration every;

    EventRedelivery(
            FailedEventPublications failed,
            @Qualifier("applicationTaskExecutor") Executor listeners,
            EventsProperties settings) {
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
        try {
            failed.resubmit(ResubmissionOptions.defaults()
                    .withMinAge(minimumAge)
                    .withBatchSize(room)
                    .withMaxInFlight(batch));
        } catch (RuntimeException ex) {
            log.warn("Could not redeliver failed event publications: {}", ex.getMessage());
        }
    }
}
