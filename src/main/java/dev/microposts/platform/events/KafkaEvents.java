package dev.microposts.platform.events;

import dev.microposts.platform.topology.CachedHealth;
import dev.microposts.platform.topology.Topology;
import dev.microposts.platform.web.RequestIds;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.Externalized;
import org.springframework.modulith.events.RoutingTarget;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Domain events between processes, when {@code MICROPOSTS_KAFKA_BOOTSTRAP} is set.
 * <p>
 * Out: Spring Modulith externalizes every event of a module this process runs to the topic of
 * its family ({@code microposts.<module>}), keyed by the entity (from the event's
 * {@code @Externalized} annotation) so one entity's events stay in order. The publication is
 * recorded in the transaction of the change and stays incomplete until the broker has it.
 * <p>
 * In: for every family whose producer runs elsewhere and whose events a local module consumes,
 * a listener republishes each record into this process, in a transaction, so the local
 * {@code @ApplicationModuleListener}s get it through the same publication registry as in the
 * monolith. The offset is committed only after that, so delivery is at least once; the
 * listeners are idempotent.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${microposts.kafka.bootstrap:}'.isBlank()")
class KafkaEvents {

	static final String TYPE_HEADER = "microposts_event_type";
	static final String REQUEST_ID_HEADER = "microposts_request_id";
	private static final String EVENTS_PACKAGE = "dev.microposts.";

	static String topic(String module) {
		return "microposts." + module;
	}

	/** The module that publishes an event: the top-level package under dev.microposts. */
	static String producer(Object event) {
		String name = event.getClass().getName();
		if (!name.startsWith(EVENTS_PACKAGE)) {
			return null;
		}
		String rest = name.substring(EVENTS_PACKAGE.length());
		return rest.substring(0, rest.indexOf('.'));
	}

	@Bean
	EventExternalizationConfiguration eventExternalization(Environment environment) {
		Set<String> local = Topology.localModules(environment);
		return EventExternalizationConfiguration.externalizing()
				.select(EventExternalizationConfiguration.annotatedAsExternalized()
						.and(event -> local.contains(producer(event))))
				.headers(event -> {
					Map<String, Object> headers = new HashMap<>();
					headers.put(TYPE_HEADER, event.getClass().getName());
					String requestId = MDC.get(RequestIds.MDC_KEY);
					if (requestId != null) {
						headers.put(REQUEST_ID_HEADER, requestId);
					}
					return headers;
				}).routeAll(KafkaEvents::route).build();
	}

	/** Topic and key from the event's {@code @Externalized("topic::#{key expression}")}. */
	static RoutingTarget route(Object event) {
		String value = event.getClass().getAnnotation(Externalized.class).value();
		int separator = value.indexOf("::");
		return separator < 0 ? RoutingTarget.forTarget(value).withoutKey()
				: RoutingTarget.forTarget(value.substring(0, separator)).andKey(value.substring(separator + 2));
	}

	@Bean
	KafkaAdmin.NewTopics micropostsTopics(Environment environment) {
		List<NewTopic> topics = new ArrayList<>();
		for (String module : Topology.localModules(environment)) {
			if (Topology.PUBLISHES.contains(module)) {
				topics.add(TopicBuilder.name(topic(module)).partitions(3).replicas(1).build());
			}
		}
		return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
	}

	/** Creates the topics of local producers once the broker is reachable (it may not be at start). */
	@Bean
	TopicCreation topicCreation(KafkaAdmin admin) {
		return new TopicCreation(admin);
	}

	static final class TopicCreation {

		private final KafkaAdmin admin;
		private volatile boolean done;

		TopicCreation(KafkaAdmin admin) {
			this.admin = admin;
		}

		@org.springframework.scheduling.annotation.Scheduled(fixedDelay = 5000, initialDelay = 5000)
		void ensure() {
			if (!done) {
				done = admin.initialize();
			}
		}
	}

	@Bean
	EventBridge eventBridge(Environment environment, ConcurrentKafkaListenerContainerFactory<Object, Object> factory,
			ApplicationEventPublisher events, TransactionTemplate transactions) {
		Set<String> local = Topology.localModules(environment);
		Set<String> topics = new TreeSet<>();
		for (String module : local) {
			for (String producer : Topology.CONSUMES.getOrDefault(module, List.of())) {
				if (!local.contains(producer)) {
					topics.add(topic(producer));
				}
			}
		}
		String group = "microposts-" + String.join("-", new TreeSet<>(local));
		return new EventBridge(topics, group, factory, events, transactions);
	}

	@Bean
	HealthIndicator kafka(KafkaProperties properties) {
		return new BrokerHealth(properties);
	}

	/** Republishes records of remote producers into this process. */
	static final class EventBridge implements SmartLifecycle {

		private static final Logger log = LoggerFactory.getLogger(EventBridge.class);
		private static final JsonMapper JSON = JsonMapper.builder().build();

		private final ConcurrentMessageListenerContainer<Object, Object> container;

		EventBridge(Set<String> topics, String group, ConcurrentKafkaListenerContainerFactory<Object, Object> factory,
				ApplicationEventPublisher events, TransactionTemplate transactions) {
			if (topics.isEmpty()) {
				this.container = null;
				return;
			}
			this.container = factory.createContainer(topics.toArray(String[]::new));
			container.getContainerProperties().setGroupId(group);
			container.setupMessageListener((MessageListener<Object, Object>) record -> {
				Object event = decode(record);
				if (event == null) {
					return;
				}
				String requestId = header(record, REQUEST_ID_HEADER);
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
			String type = header(record, TYPE_HEADER);
			if (type == null || !type.startsWith(EVENTS_PACKAGE) || !(record.value() instanceof byte[] bytes)) {
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

		private static String header(ConsumerRecord<?, ?> record, String name) {
			Header header = record.headers().lastHeader(name);
			if (header == null) {
				return null;
			}
			String value = new String(header.value(), StandardCharsets.UTF_8);
			// Spring's header mapper writes strings as JSON strings
			return value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
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

	/** Readiness: DOWN while the broker cannot be reached. */
	static final class BrokerHealth extends CachedHealth {

		private final KafkaProperties properties;

		BrokerHealth(KafkaProperties properties) {
			this.properties = properties;
		}

		@Override
		protected Health check() {
			Map<String, Object> config = new HashMap<>(properties.buildAdminProperties());
			config.put("request.timeout.ms", 1500);
			config.put("default.api.timeout.ms", 1500);
			try (AdminClient admin = AdminClient.create(config)) {
				var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500));
				String id = cluster.clusterId().get(2, java.util.concurrent.TimeUnit.SECONDS);
				return Health.up().withDetail("clusterId", id).build();
			}
			catch (Exception ex) {
				return Health.down().withDetail("error", ex.getClass().getSimpleName()).build();
			}
		}
	}

}
