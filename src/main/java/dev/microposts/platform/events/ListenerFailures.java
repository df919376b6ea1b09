package dev.microposts.platform.events;

import dev.microposts.platform.topology.ReplicaFence;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.stereotype.Component;

/**
 * What becomes of an asynchronous event listener's failure, once the event publication registry
 * has kept its event for delivery again: logged with its cause, except a listener that met its
 * module's replica ({@link ReplicaFence}), which is how a migration defers the event to the other
 * side and is counted, not reported as an error. The listeners keep running on the executor Spring
 * Boot configures ({@code spring.task.execution.*}).
 */
@Component
class ListenerFailures implements AsyncConfigurer, AsyncUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ListenerFailures.class);

    private final ObjectProvider<Executor> executor;
    private final AtomicLong deferred = new AtomicLong();

    ListenerFailures(@Qualifier("applicationTaskExecutor") ObjectProvider<Executor> executor) {
        this.executor = executor;
    }

    @Override
    public Executor getAsyncExecutor() {
        return executor.getIfAvailable();
    }

    @Override
    public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
        return this;
    }

    @Override
    public void handleUncaughtException(Throwable failure, java.lang.reflect.Method method, Object... params) {
        if (failure instanceof ReplicaFence.Replica replica) {
            long count = deferred.incrementAndGet();
            if (count == 1 || count % 1_000 == 0) {
                log.info(
                        "{} events so far left for later by the {} module's listeners: this database is its"
                                + " replica while a migration has its writes elsewhere",
                        count,
                        replica.module().id());
            }
            return;
        }
        log.error("Event listener {} failed; its event is delivered again", method.toGenericString(), failure);
    }
}
