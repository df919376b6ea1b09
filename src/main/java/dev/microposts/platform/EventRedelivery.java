package dev.microposts.platform;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers again every event publication whose listener failed (a database or broker hiccup),
 * without waiting for a restart: the registry keeps each publication until its listener
 * completes, so this turns "recorded" into "delivered at least once". Listeners are idempotent.
 */
@Component
class EventRedelivery {

	private static final Logger log = LoggerFactory.getLogger(EventRedelivery.class);

	private final IncompleteEventPublications incomplete;
	private final Duration minimumAge;

	EventRedelivery(IncompleteEventPublications incomplete,
			@Value("${microposts.events.redeliver-after:PT30S}") Duration minimumAge) {
		this.incomplete = incomplete;
		this.minimumAge = minimumAge;
	}

	@Scheduled(fixedDelayString = "${microposts.events.redeliver-every:PT15S}",
			initialDelayString = "${microposts.events.redeliver-every:PT15S}")
	void redeliver() {
		try {
			incomplete.resubmitIncompletePublicationsOlderThan(minimumAge);
		}
		catch (RuntimeException ex) {
			log.warn("Could not redeliver incomplete event publications: {}", ex.getMessage());
		}
	}
}
