package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microposts.MicroPostsApplication;
import dev.microposts.posts.MicropostCreated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The events-in side of a timeline process against a real broker (spring-kafka-test's embedded
 * KRaft broker): a record is never committed past while its local transaction fails, however long
 * that lasts; a record the process cannot read is parked, counted, and does not stop the ones after
 * it; and a process restarted after a crash gets its partitions back at once.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.modules=timeline",
            "microposts.data-dir=target/test-data/event-bridge-${random.uuid}",
            "microposts.accounts.url=http://127.0.0.1:9",
            "microposts.posts.url=http://127.0.0.1:9",
            "microposts.internal.token=event-bridge-tests-0123456789abcdef0123456789",
            "microposts.events.redeliver-after=PT1S",
            "microposts.events.redeliver-every=PT1S"
        })
@DirtiesContext
class EventBridgeTests {

    static final String TOPIC = "microposts.posts";
    static final String GROUP = "microposts-timeline";
    static final String CREATED = MicropostCreated.class.getName();
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());

    static final EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3, TOPIC, "microposts.social");
    static EventBridge consumer;

    static {
        broker.afterPropertiesSet();
        // the topology is read before the test context adds its own properties: a system property
        // stands in for the MICROPOSTS_KAFKA_BOOTSTRAP variable of this process
        System.setProperty("microposts.kafka.bootstrap", broker.getBrokersAsString());
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry metrics;

    @Autowired
    EventBridge bridge;

    @Autowired
    ConsumerFactory<?, ?> consumers;

    @Autowired
    void remember(EventBridge bridge) {
        consumer = bridge;
    }

    @AfterAll
    static void stopBroker() {
        System.clearProperty("microposts.kafka.bootstrap");
        if (consumer != null) {
            consumer.stop(); // while the broker is still there
        }
        broker.destroy();
    }

    @Test
    void aRecordIsNeverCommittedPastWhileTheDatabaseIsAwayAndIsAppliedOnceItIsBack() throws Exception {
        long id = IDS.incrementAndGet();
        RecordMetadata sent;
        jdbc.sql("ALTER TABLE event_publication RENAME TO event_publication_away")
                .update();
        try {
            sent = send(CREATED, created(id, 1), id);
            // far longer than Spring Kafka's default retries (ten attempts without a pause, then the
            // offset is committed and the record skipped)
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < until) {
                assertThat(committed(sent))
                        .as("committed offset while the database is away")
                        .isLessThanOrEqualTo(sent.offset());
                Thread.sleep(500);
            }
            assertThat(applied(id)).isFalse();
        } finally {
            jdbc.sql("ALTER TABLE event_publication_away RENAME TO event_publication")
                    .update();
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> applied(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(sent) > sent.offset());
    }

    @Test
    void recordsThisProcessCannotReadAreParkedCountedAndTheNextOnesFlow() throws Exception {
        long id = IDS.incrementAndGet();
        double parkedBefore = parked();
        // a type of a newer build, a newer version of a known type, and a body that is not the type's
        send("dev.microposts.posts.MicropostArchived", "{\"micropostId\":1}".getBytes(StandardCharsets.UTF_8), id);
        send(CREATED, created(id, 2), id);
        send(CREATED, "{\"micropost\":\"not a micropost\"}".getBytes(StandardCharsets.UTF_8), id);
        // same key: the same partition, after the three; from a build before the micropost had a revision
        send(CREATED, created(id, 1, ""), id);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> applied(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> parked() == parkedBefore + 3);

        List<ConsumerRecord<String, byte[]>> onParked = read(TOPIC + ".parked", Long.toString(id), 3);
        assertThat(onParked)
                .extracting(record -> header(record, EventTopics.TYPE_HEADER))
                .containsExactly("dev.microposts.posts.MicropostArchived", CREATED, CREATED);
        assertThat(onParked).allSatisfy(record -> assertThat(header(record, "kafka_dlt-original-topic"))
                .isEqualTo(TOPIC));
        assertThat(new String(onParked.get(1).value(), StandardCharsets.UTF_8)).contains("\"version\":2");
    }

    @Test
    void aConsumerRestartedAfterACrashGetsItsPartitionsBackWithinSeconds() throws Exception {
        @SuppressWarnings("unchecked")
        ConcurrentMessageListenerContainer<Object, Object> container =
                (ConcurrentMessageListenerContainer<Object, Object>) ReflectionTestUtils.getField(bridge, "container");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !container.getAssignedPartitions().isEmpty());
        bridge.stop();
        try {
            // the process's former self: the consumer the bridge's container makes, which got partitions
            // and then died without a word to the broker (kill -9: no leave request, no more heartbeats)
            var properties = container.getContainerProperties();
            Properties overrides = new Properties();
            overrides.putAll(properties.getKafkaConsumerProperties());
            if (overrides.getProperty("group.instance.id") != null) {
                // as the container names its first (and only) consumer
                overrides.setProperty("group.instance.id", overrides.getProperty("group.instance.id") + "-0");
            }
            var crashed = consumers.createConsumer(properties.getGroupId(), properties.getClientId(), "-0", overrides);
            crashed.subscribe(List.of(properties.getTopics()));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (crashed.assignment().isEmpty() && System.nanoTime() < deadline) {
                crashed.poll(Duration.ofMillis(200));
            }
            assertThat(crashed.assignment()).as("the former self's partitions").isNotEmpty();
            crashed.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ZERO));
        } finally {
            long started = System.nanoTime();
            bridge.start();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !container.getAssignedPartitions().isEmpty());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("The restarted consumer had its partitions after " + took.toMillis() + " ms");
            assertThat(took)
                    .as("time until the restarted consumer had its partitions")
                    .isLessThan(Duration.ofSeconds(5));
        }
        long id = IDS.incrementAndGet();
        send(CREATED, created(id, 1), id);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> applied(id));
    }

    /** A MicropostCreated record as the posts process writes it (with any fields the micropost has grown). */
    private static byte[] created(long id, int version) {
        return created(id, version, ",\"revision\":1");
    }

    private static byte[] created(long id, int version, String moreFields) {
        return ("{\"id\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\"" + Instant.now() + "\",\"version\":" + version
                        + ",\"micropost\":{\"id\":" + id + ",\"author\":\"bridge\",\"text\":\"micropost " + id
                        + "\",\"referenced\":null,\"createdAt\":\"" + Instant.now() + "\"" + moreFields + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static RecordMetadata send(String type, byte[] value, long key) throws Exception {
        Properties config = new Properties();
        config.put("bootstrap.servers", broker.getBrokersAsString());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            var record = new ProducerRecord<>(TOPIC, Long.toString(key), value);
            record.headers().add(EventTopics.TYPE_HEADER, ("\"" + type + "\"").getBytes(StandardCharsets.UTF_8));
            return producer.send(record).get();
        }
    }

    private boolean applied(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM timeline_posts WHERE post_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single()
                > 0;
    }

    private double parked() {
        Counter counter =
                metrics.find("microposts.events.parked").tag("topic", TOPIC).counter();
        return counter == null ? 0 : counter.count();
    }

    private static long committed(RecordMetadata sent) {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
            var offsets = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get();
            var offset = offsets.get(new TopicPartition(sent.topic(), sent.partition()));
            return offset == null ? -1 : offset.offset();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> read(String topic, String key, int count) {
        Properties config = new Properties();
        config.put("bootstrap.servers", broker.getBrokersAsString());
        config.put("group.id", "parked-reader-" + key);
        config.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return EventTopics.header(record, name);
    }
}
