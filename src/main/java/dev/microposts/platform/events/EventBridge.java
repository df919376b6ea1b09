package dev.microposts.platform.events;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.platform.web.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events in: for every module whose events a local module consumes and which runs elsewhere, the
 * records of its topic are republished into this process, in a transaction, so the local
 * {@code @ApplicationModuleListener}s get them through the same publication registry as in the
 * monolith. The offset is committed only after that, so delivery is at least once; the listeners
 * are idempotent.
 * <p>
 * A record whose transaction fails (this process's database is down) is tried again, waiting
 * longer each time up to {@link #LONGEST_WAIT_MS}, for as long as it takes: the offset never moves
 * past it. A record this process cannot read (no event type, a type this build does not know, or a
 * version newer than it reads: a rolling deploy) is parked on {@code <topic>.parked}, counted
 * ({@value #PARKED_METRIC}) and logged, and the records after it go on. An event type's newest
 * readable version is its {@code static final int VERSION}, or 1.
 * <p>
 * While this process's database is the replica of a consuming module's tables (a migration of that
 * module has its writes on the other side: {@link ReplicaFence}), the bridge takes no record: the
 * offset stays where it is, and the records are taken when the writes come back here. A process
 * that runs a consuming module being extracted ({@code MICROPOSTS_EXTRACTING}) reads in a group of
 * its own ({@code ...-extracting}), started at the offsets of the module's usual group, so that the
 * extracted process, in the usual group, reads every record too.
 * <p>
 * The consumer has a fixed identity in its group ({@code group.instance.id}: the process's modules
 * and {@code MICROPOSTS_KAFKA_INSTANCE}), so a process restarted after a crash gets its partitions
 * back at once instead of after the session of its dead self expired.
 */
@Component
@ConditionalOnKafkaEvents
class EventBridge implements SmartLifecycle {

    static final String PARKED_METRIC = "microposts.events.parked";
    static final long FIRST_WAIT_MS = 200;
    static final long LONGEST_WAIT_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(EventBridge.class);
    /**
     * Reads what another build wrote: a field it does not know is skipped, and one it misses (a
     * producer from before that field) is null, or 0 for a number; a change that is not additive
     * raises the event's version.
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final ConcurrentMessageListenerContainer<Object, Object> container;
    private final ObjectProvider<KafkaAdmin> admin;
    private final String group;
    private final String usualGroup;
    private volatile ModuleId waitingFor;

    EventBridge(
            MicropostsProperties settings,
            ConcurrentKafkaListenerContainerFactory<Object, Object> factory,
            KafkaOperations<?, ?> kafka,
            ObjectProvider<KafkaAdmin> admin,
            MeterRegistry metrics,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            ObjectProvider<DataSource> dataSource) {
        this.admin = admin;
        ReplicaFence fence = new ReplicaFence(dataSource.getIfAvailable());
        Set<ModuleId> local = settings.localModules();
        Set<ModuleId> extracting = settings.extractingModules();
        Set<String> topics = consumedTopics(local, extracting);
        Set<ModuleId> consumers = consumers(local, extracting);
        this.usualGroup = usualGroup(consumers);
        this.group = group(local, extracting);
        if (topics.isEmpty()) {
            this.container = null;
            return;
        }
        this.container = factory.createContainer(topics.toArray(String[]::new));
        container.getContainerProperties().setGroupId(group);
        container.getContainerProperties().getKafkaConsumerProperties().putAll(membership(group, settings.kafka()));
        container.setCommonErrorHandler(errorHandler(kafka, metrics));
        container.setupMessageListener((MessageListener<Object, Object>) record -> {
            awaitWrites(fence, consumers);
            Object event = decode(record);
            String requestId = EventTopics.header(record, EventTopics.REQUEST_ID_HEADER);
            if (requestId != null) {
                MDC.put(RequestIds.MDC_KEY, requestId);
            }
            try {
                log.info(
                        "{} from {} (partition {}, offset {})",
                        event.getClass().getSimpleName(),
                        record.topic(),
                        record.partition(),
                        record.offset());
                transactions.executeWithoutResult(status -> events.publishEvent(event));
            } catch (RuntimeException ex) {
                log.warn(
                        "Could not apply {} from {} (partition {}, offset {}); it is tried again: {}",
                        event.getClass().getSimpleName(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
                throw ex;
            } finally {
                MDC.remove(RequestIds.MDC_KEY);
            }
        });
    }

    /**
     * Fails (the record is tried again later, its offset kept) while this database is the replica
     * of a consuming module's tables; says so once when the wait begins and once when it ends.
     */
    private void awaitWrites(ReplicaFence fence, Set<ModuleId> consumers) {
        for (ModuleId consumer : consumers) {
            boolean replica;
            try {
                replica = fence.replica(consumer);
            } catch (SQLException ex) {
                throw new IllegalStateException("the database is unavailable: " + ex.getMessage(), ex);
            }
            if (replica) {
                if (waitingFor == null) {
                    log.info(
                            "Events wait in Kafka: this database is the replica of the {} module's tables while a"
                                    + " migration has its writes elsewhere",
                            consumer.id());
                }
                waitingFor = consumer;
                throw new ReplicaWait(consumer);
            }
        }
        if (waitingFor != null) {
            log.info("Events are taken again: this database takes the {} module's writes", waitingFor.id());
            waitingFor = null;
        }
    }

    /** The topics of the modules whose events a local module consumes and which run elsewhere. */
    static Set<String> consumedTopics(Set<ModuleId> local) {
        return consumedTopics(local, Set.of());
    }

    /**
     * The same, where the modules being extracted count as running elsewhere: once the extracted
     * process takes their writes, their events come from it, through Kafka.
     */
    static Set<String> consumedTopics(Set<ModuleId> local, Set<ModuleId> extracting) {
        Set<String> topics = new TreeSet<>();
        for (ModuleId module : local) {
            for (ModuleId producer : module.consumes()) {
                if (!local.contains(producer) || extracting.contains(producer)) {
                    topics.add(producer.topic());
                }
            }
        }
        return topics;
    }

    /**
     * The local modules that consume from Kafka: they name the consumer group, so that the group
     * stays the same when a process is restarted with a module more or less beside them (the
     * monolith after a module was extracted from it goes on from its committed offsets).
     */
    static Set<ModuleId> consumers(Set<ModuleId> local, Set<ModuleId> extracting) {
        Set<ModuleId> consumers = java.util.EnumSet.noneOf(ModuleId.class);
        for (ModuleId module : local) {
            for (ModuleId producer : module.consumes()) {
                if (!local.contains(producer) || extracting.contains(producer)) {
                    consumers.add(module);
                }
            }
        }
        return consumers;
    }

    /**
     * The consumer group: named by the consuming modules, with {@code -extracting} in a process that
     * runs one of them while it is extracted (the extracted process reads in the usual group).
     */
    static String group(Set<ModuleId> local, Set<ModuleId> extracting) {
        Set<ModuleId> consumers = consumers(local, extracting);
        String usual = usualGroup(consumers);
        return consumers.stream().anyMatch(extracting::contains) ? usual + "-extracting" : usual;
    }

    private static String usualGroup(Set<ModuleId> consumers) {
        return "microposts-" + ModuleId.ids(consumers).replace(',', '-');
    }

    /** Where the records of a topic that this process cannot read are parked. */
    static String parkedTopic(String topic) {
        return topic + ".parked";
    }

    /**
     * Static membership: the broker knows the consumer by the process's modules and instance name,
     * so the same process started again replaces its former self at once, and a consumer that is gone
     * for good is given up after the session timeout (the client's default is 45 s).
     */
    static Properties membership(String group, MicropostsProperties.Kafka kafka) {
        String instance =
                kafka.instance() == null || kafka.instance().isEmpty() ? group : group + "-" + kafka.instance();
        long session = kafka.sessionTimeout().toMillis();
        Properties properties = new Properties(); // strings: the consumer factory takes only those
        properties.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
        properties.setProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(session));
        properties.setProperty(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.min(3_000, session / 3)));
        return properties;
    }

    /**
     * Parks an {@link UnreadableEvent}'s record (then commits past it) and tries anything else again,
     * with exponential back-off and no limit: Spring Kafka's default tried ten times at once, then
     * logged and committed, so an event was lost whenever the database was away for a second.
     */
    private static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> kafka, MeterRegistry metrics) {
        var parking = new DeadLetterPublishingRecoverer(
                kafka, (record, failure) -> new TopicPartition(parkedTopic(record.topic()), -1));
        ConsumerRecordRecoverer park = (record, failure) -> {
            parking.accept(record, null, failure); // throws if the broker did not take it: tried again
            Counter.builder(PARKED_METRIC)
                    .description("Event records this process could not read, parked")
                    .tag("topic", record.topic())
                    .register(metrics)
                    .increment();
            log.warn(
                    "Parked the record of {} at partition {}, offset {} on {}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    parkedTopic(record.topic()),
                    NestedExceptionUtils.getMostSpecificCause(failure).getMessage());
        };
        ExponentialBackOff backOff = new ExponentialBackOff(FIRST_WAIT_MS, 2);
        backOff.setMaxInterval(LONGEST_WAIT_MS); // no limit on attempts or elapsed time: the defaults
        DefaultErrorHandler handler = new DefaultErrorHandler(park, backOff) {
            @Override
            public void handleRemaining(
                    Exception thrown,
                    java.util.List<ConsumerRecord<?, ?>> records,
                    org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                    org.springframework.kafka.listener.MessageListenerContainer container) {
                // waiting for the writes to come back is said once by the bridge, not at every retry
                boolean waiting = NestedExceptionUtils.getMostSpecificCause(thrown) instanceof ReplicaWait;
                setLogLevel(waiting ? KafkaException.Level.DEBUG : KafkaException.Level.WARN);
                super.handleRemaining(thrown, records, consumer, container);
            }
        };
        handler.setClassifications(Map.of(UnreadableEvent.class, false), true);
        handler.setLogLevel(KafkaException.Level.WARN);
        return handler;
    }

    private static Object decode(ConsumerRecord<Object, Object> record) {
        String type = EventTopics.header(record, EventTopics.TYPE_HEADER);
        if (type == null || !type.startsWith(EventTopics.EVENTS_PACKAGE) || !(record.value() instanceof byte[] bytes)) {
            throw new UnreadableEvent("no MicroPosts event type");
        }
        Class<?> eventType;
        try {
            eventType = Class.forName(type, false, EventBridge.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError ex) {
            throw new UnreadableEvent(type + " is not an event type of this version");
        }
        if (!eventType.isRecord()) {
            throw new UnreadableEvent(type + " is not an event");
        }
        JsonNode tree;
        Object event;
        try {
            tree = JSON.readTree(bytes);
            event = JSON.treeToValue(tree, eventType);
        } catch (RuntimeException ex) {
            throw new UnreadableEvent("unreadable " + type + ": " + ex.getMessage());
        }
        if (event == null) {
            throw new UnreadableEvent("empty " + type);
        }
        int version = tree.path("version").asInt(1);
        int readable = readableVersion(eventType);
        if (version > readable) {
            throw new UnreadableEvent("version " + version + " of " + type + ", this process reads up to " + readable);
        }
        return event;
    }

    /** The newest version of an event type this build reads: its {@code static final int VERSION}, or 1. */
    private static int readableVersion(Class<?> eventType) {
        try {
            Field field = eventType.getField("VERSION");
            int modifiers = field.getModifiers();
            return Modifier.isStatic(modifiers) && field.getType() == int.class ? field.getInt(null) : 1;
        } catch (NoSuchFieldException | IllegalAccessException ex) {
            return 1;
        }
    }

    /** The records wait: this database is a replica of a consuming module's tables. */
    static final class ReplicaWait extends RuntimeException {

        ReplicaWait(ModuleId module) {
            super("this database is the replica of the " + module.id() + " module's tables", null, false, false);
        }
    }

    /** A record this process cannot read: parked, never tried again. */
    static final class UnreadableEvent extends RuntimeException {

        UnreadableEvent(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void start() {
        if (container != null) {
            if (!group.equals(usualGroup)) {
                startAtUsualOffsets();
            }
            container.start();
        }
    }

    /**
     * A group of its own for an extracting process begins where the usual group stands (the
     * monolith's consumer before it was restarted to extract), not at the topics' beginning: every
     * event before it was applied here already. Without the broker it begins at the beginning (the
     * listeners are idempotent: only slower).
     */
    private void startAtUsualOffsets() {
        KafkaAdmin kafkaAdmin = admin.getIfAvailable();
        if (kafkaAdmin != null) {
            startAt(kafkaAdmin.getConfigurationProperties(), group, usualGroup);
        }
    }

    /**
     * Gives {@code group}, when it has no committed offset yet, those of {@code usualGroup}; a group
     * that has offsets of its own (a restarted process) keeps them. Returns the offsets given, empty
     * when none were; a failure is logged, not thrown (the group then reads from the beginning).
     */
    static Map<TopicPartition, OffsetAndMetadata> startAt(
            Map<String, Object> adminConfig, String group, String usualGroup) {
        try (AdminClient client = AdminClient.create(adminConfig)) {
            Map<TopicPartition, OffsetAndMetadata> own = client.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            if (!own.isEmpty()) {
                return Map.of();
            }
            Map<TopicPartition, OffsetAndMetadata> usual =
                    new java.util.HashMap<>(client.listConsumerGroupOffsets(usualGroup)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS));
            usual.values().removeIf(java.util.Objects::isNull);
            if (!usual.isEmpty()) {
                client.alterConsumerGroupOffsets(group, usual).all().get(10, TimeUnit.SECONDS);
                log.info("Consumer group {} begins where {} stands: {}", group, usualGroup, usual);
            }
            return usual;
        } catch (Exception ex) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn(
                    "Could not start consumer group {} where {} stands; it reads the topics from their beginning: {}",
                    group,
                    usualGroup,
                    NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
            return Map.of();
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
