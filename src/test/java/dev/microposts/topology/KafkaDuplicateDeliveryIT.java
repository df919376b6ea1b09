package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.Topologies;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A record the timeline already consumed, delivered twice more, changes nothing. */
class KafkaDuplicateDeliveryIT {

    @Test
    void aDuplicateMicropostCreatedChangesNothing() throws Exception {
        Topologies topology = Topologies.microservices();
        Api api = new Api(topology.publicUrl());
        String reader = api.register("dupr");
        String writer = api.register("dupw");
        api.post("/api/users/" + reader + "/following", api.token(reader), Api.json("username", writer));
        long id = api.createPost(writer, api.token(writer), "exactly once, please")
                .get("id")
                .asLong();
        String timeline = "/api/users/" + reader + "/timeline";
        await(() -> api.get(timeline).json().size() == 1);

        ConsumerRecord<byte[], byte[]> original = find(topology.kafkaBootstrap(), "microposts.posts", id);
        long lastOffset;
        Properties producerConfig = new Properties();
        producerConfig.put("bootstrap.servers", topology.kafkaBootstrap());
        try (var producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(copy(original)).get();
            lastOffset = producer.send(copy(original)).get().offset();
        }
        TopicPartition partition = new TopicPartition(original.topic(), original.partition());
        await(() -> committed(topology.kafkaBootstrap(), "microposts-timeline", partition) > lastOffset);
        var items = api.get(timeline).json();
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asLong()).isEqualTo(id);
    }

    private static ProducerRecord<byte[], byte[]> copy(ConsumerRecord<byte[], byte[]> record) {
        return new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value(), record.headers());
    }

    private static ConsumerRecord<byte[], byte[]> find(String bootstrap, String topic, long id) {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrap);
        config.put("group.id", "test-reader-" + id);
        config.put("auto.offset.reset", "earliest");
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(java.util.List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String value = new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                    if (value.contains("\"id\":" + id + ",") && value.contains("exactly once")) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no record of micropost " + id + " in " + topic);
    }

    private static long committed(String bootstrap, String group, TopicPartition partition) {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", bootstrap))) {
            var offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            var offset = offsets.get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception ex) {
            return -1;
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }
}
