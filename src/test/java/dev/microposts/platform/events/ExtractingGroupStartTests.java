package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The group a process reads in while it extracts a consuming module begins where the module's usual
 * group stands (against a real broker, spring-kafka-test's embedded KRaft one): it reads no event
 * the monolith applied before its restart, it keeps its own offsets when it restarts, and without
 * the usual group's offsets or without a broker it starts from the beginning.
 */
class ExtractingGroupStartTests {

    static final String TOPIC = "microposts.posts";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 2, TOPIC);
        broker.afterPropertiesSet();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "event " + i))
                        .get();
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void anExtractingGroupBeginsWhereTheUsualGroupStandsAndReadsOnlyTheEventsAfter() throws Exception {
        // the monolith's consumer applied 3 events of partition 0 and 4 of partition 1
        commit("usual-a", Map.of(P0, new OffsetAndMetadata(3), P1, new OffsetAndMetadata(4)));

        Map<TopicPartition, OffsetAndMetadata> given = EventBridge.startAt(admin(), "usual-a-extracting", "usual-a");

        assertThat(given).containsOnlyKeys(P0, P1);
        assertThat(committed("usual-a-extracting"))
                .containsEntry(P0, new OffsetAndMetadata(3))
                .containsEntry(P1, new OffsetAndMetadata(4));
        // a consumer of the group (auto.offset.reset=earliest, as the bridge's) reads the 2 + 1 after
        List<String> read = read("usual-a-extracting", 3);
        assertThat(read).containsExactlyInAnyOrder("event 6", "event 8", "event 9");
    }

    @Test
    void aRestartedExtractingProcessKeepsItsOwnOffsets() throws Exception {
        commit("usual-b", Map.of(P0, new OffsetAndMetadata(1), P1, new OffsetAndMetadata(1)));
        commit("usual-b-extracting", Map.of(P0, new OffsetAndMetadata(5)));

        assertThat(EventBridge.startAt(admin(), "usual-b-extracting", "usual-b"))
                .isEmpty();
        assertThat(committed("usual-b-extracting")).containsExactly(Map.entry(P0, new OffsetAndMetadata(5)));
    }

    @Test
    void withoutOffsetsOfTheUsualGroupTheExtractingGroupReadsFromTheBeginning() throws Exception {
        assertThat(EventBridge.startAt(admin(), "usual-c-extracting", "usual-c"))
                .isEmpty();
        assertThat(committed("usual-c-extracting")).isEmpty();
        assertThat(read("usual-c-extracting", 10)).hasSize(10);
    }

    @Test
    void withoutABrokerNothingIsThrownAndNothingIsGiven() {
        Map<String, Object> nowhere = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000));
        long started = System.nanoTime();
        assertThat(EventBridge.startAt(nowhere, "usual-d-extracting", "usual-d"))
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    private static Map<String, Object> admin() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    }

    private static void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) throws Exception {
        try (AdminClient client = AdminClient.create(admin())) {
            client.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (AdminClient client = AdminClient.create(admin())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(client.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get());
            offsets.values().removeIf(java.util.Objects::isNull);
            return offsets;
        }
    }

    private static List<String> read(String group, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(TOPIC));
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < expected && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // nothing more than expected arrives
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                values.add(record.value());
            }
        }
        return values;
    }
}
