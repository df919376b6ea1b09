package dev.microposts.platform.events;

import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.RequestIds;

/**
 * Events in: for every module whose events a local module consumes and which runs elsewhere, the
 * records of its topic are republished into this process, in a transaction, so the local
 * {@code @ApplicationModuleListener}s get them through the same publication registry as in the
 * monolith. The offset is committed only after that, so delivery is at least once; the listeners
 * are idempotent.
 */
@Component
@ConditionalOnKafkaEvents
class EventBridge implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventBridge.class);
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConcurrentMessageListenerContainer<Object, Object> container;

	EventBridge(MicropostsProperties settings, ConcurrentKafkaListenerContainerFactory<Object, Object> factory,
			ApplicationEventPublisher events, TransactionTemplate transactions) {
		Set<ModuleId> local = settings.localModules();
		Set<String> topics = new TreeSet<>();
		for (ModuleId module : local) {
			for (ModuleId producer : module.consumes()) {
				if (!local.contains(producer)) {
					topics.add(producer.topic());
				}
			}
		}
		if (topics.isEmpty()) {
			this.container = null;
			return;
		}
		this.container = factory.createContainer(topics.toArray(String[]::new));
		container.getContainerProperties().setGroupId("microposts-" + ModuleId.ids(local).replace(',', '-'));
		container.setupMessageListener((MessageListener<Object, Object>) record -> {
			Object event = decode(record);
			if (event == null) {
				return;
			}
			String requestId = EventTopics.header(record, EventTopics.REQUEST_ID_HEADER);
			if (requestId != null) {
				MDC.put(RequestIds.MDC_KEY, requestId);
			}
			try {
				log.info("{} from {} (partition {}, offset {})", event.getClass().getSimpleName(), record.topic(),
						record.partition(), record.offset());
				transactions.executeWithoutResult(status -> events.publishEvent(event));
			}
			finally {
				MDC.remove(RequestIds.MDC_KEY);
			}
		});
	}

	private static Object decode(ConsumerRecord<Object, Object> record) {
		String type = EventTopics.header(record, EventTopics.TYPE_HEADER);
		if (type == null || !type.startsWith(EventTopics.EVENTS_PACKAGE) || !(record.value() instanceof byte[] bytes)) {
			log.warn("Skipping a record of {} without a MicroPosts event type", record.topic());
			return null;
		}
		try {
			Class<?> eventType = Class.forName(type, false, EventBridge.class.getClassLoader());
			if (!eventType.isRecord()) {
				log.warn("Skipping a record of {}: {} is not an event", record.topic(), type);
				return null;
			}
			return JSON.readValue(bytes, eventType);
		}
		catch (ClassNotFoundException | RuntimeException ex) {
			log.warn("Skipping an unreadable record of {} ({}): {}", record.topic(), type, ex.getMessage());
			return null;
		}
	}

	@Override
	public void start() {
		if (container != null) {
			container.start();
		}
	}

	@Override
	public void stop() {
		if (container != null) {
			container.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return container != null && container.isRunning();
	}
}
