package dev.microposts.platform.events;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * What the asynchronous event listeners' executor (also the Kafka externalization's) does when its
 * queue is full: it leaves the event to the event publication registry, where it is already
 * recorded, instead of throwing after commit. The registry's staleness monitor marks such a
 * publication failed once it is stale and {@link EventRedelivery} delivers it, a bounded batch at
 * a time, when the burst is over. Nothing is lost and the committing thread neither fails nor
 * waits. Running the listener in the committing thread instead (caller-runs) looked like
 * back-pressure, but that thread still holds its connection during after-commit callbacks, and as
 * many such threads as the pool has connections, each wanting a second one, stalled the process
 * until the pool's timeout.
 */
@Component
class ListenerOverflow implements ThreadPoolTaskExecutorCustomizer, RejectedExecutionHandler {

    private static final Logger log = LoggerFactory.getLogger(ListenerOverflow.class);

    private final AtomicLong overflowed = new AtomicLong();

    @Override
    public void customize(ThreadPoolTaskExecutor executor) {
        executor.setRejectedExecutionHandler(this);
    }

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
        long count = overflowed.incrementAndGet();
        if (count == 1 || count % 1_000 == 0) {
            log.warn(
                    "The event listeners' queue is full ({} tasks); {} events so far are left to the publication "
                            + "registry and will be redelivered once stale",
                    executor.getQueue().size(),
                    count);
        }
    }
}
