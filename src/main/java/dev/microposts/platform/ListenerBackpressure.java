package dev.microposts.platform;

import java.util.concurrent.ThreadPoolExecutor;

import org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * When the queue of the asynchronous event listeners (and of the Kafka externalization) is full,
 * the thread that committed the event runs its listener itself instead of having it rejected.
 * A rejected listener left its publication incomplete until the periodic redelivery, which then
 * resubmitted every such publication at once into the same full queue: under a burst (the
 * benchmark's loading of 20,000 microposts) the process spent itself redelivering. Running it in
 * the caller slows the producer down to what the listeners can take, and loses nothing.
 */
@Component
class ListenerBackpressure implements ThreadPoolTaskExecutorCustomizer {

	@Override
	public void customize(ThreadPoolTaskExecutor executor) {
		executor.setRejectedExecutionHandler(new ThreadPoolExecutor.CallerRunsPolicy());
	}
}
