package dev.microposts.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redelivery of events whose listener failed.
 *
 * @param redeliverAfter how old a failed event publication must be before it is delivered again
 * @param redeliverEvery how often to look for failed publications
 * @param redeliverBatch at most this many publications are delivered again per round (and no
 * more than the listeners' queue has room for)
 */
@ConfigurationProperties("microposts.events")
public record EventsProperties(
        @DefaultValue("PT30S") Duration redeliverAfter,
        @DefaultValue("PT15S") Duration redeliverEvery,
        @DefaultValue("100") int redeliverBatch) {

    public EventsProperties {
        if (redeliverBatch < 1) {
            throw new IllegalArgumentException("microposts.events.redeliver-batch must be at least 1");
        }
    }
}
