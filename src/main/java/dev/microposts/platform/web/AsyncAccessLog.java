package dev.microposts.platform.web;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Writes the access log (one line per request, logger {@code dev.microposts.access}) from a
 * background thread, to the same appenders as every other line, so request threads do not queue
 * on the console for it: a sixth of the cost of a read (docs/BENCHMARKS.md). Logging stays as
 * Spring Boot configures it (plain or structured, console or file); the queue never discards, it
 * blocks when full. Attached at start-up, before the server takes requests.
 */
@Component
class AsyncAccessLog implements InitializingBean {

    static final String NAME = "ACCESS_ASYNC";

    @Override
    public void afterPropertiesSet() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            attach(context);
        }
    }

    /** Puts the access logger behind a queue to the root logger's appenders (once per context). */
    static void attach(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger access = context.getLogger(RequestIds.ACCESS_LOGGER);
        if (access.getAppender(NAME) != null || !root.iteratorForAppenders().hasNext()) {
            return;
        }
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(NAME);
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        root.iteratorForAppenders().forEachRemaining(async::addAppender);
        async.start();
        access.addAppender(async);
        access.setAdditive(false);
    }
}
