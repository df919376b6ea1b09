package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.support.TcpForwarder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The producing side of the microservices topology (accounts, posts, social) writes while the
 * broker is down: the change is acknowledged, its event waits in the publication registry, and
 * reaches Kafka once the broker is there.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.modules=accounts,posts,social",
            "microposts.internal.token=0123456789abcdef0123456789abcdef",
            "microposts.data-dir=target/test-data/broker-outage-${random.uuid}",
            "microposts.events.redeliver-after=PT1S",
            "microposts.events.redeliver-every=PT1S"
        })
class KafkaBrokerOutageTests {

    /** Where the process looks for its broker: nothing listens there until the broker starts. */
    static final TcpForwarder BROKER_ADDRESS = new TcpForwarder();

    static EmbeddedKafkaKraftBroker broker;

    static {
        // the topology is read before the test context adds its own properties: a system property
        // stands in for the MICROPOSTS_KAFKA_BOOTSTRAP variable of this process
        System.setProperty("microposts.kafka.bootstrap", "127.0.0.1:" + BROKER_ADDRESS.port());
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @AfterAll
    static void stopBroker() throws Exception {
        System.clearProperty("microposts.kafka.bootstrap");
        BROKER_ADDRESS.close();
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void anEventWrittenWhileTheBrokerIsDownIsDeliveredWhenItIsBack() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port);
        String author = api.register("offline");
        long id = api.createPost(author, api.token(author), "written without a broker")
                .get("id")
                .asLong();
        await(Duration.ofSeconds(30), () -> incomplete() > 0);

        broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.afterPropertiesSet();
        String[] address = broker.getBrokersAsString().split(",")[0].split(":");
        BROKER_ADDRESS.open(Integer.parseInt(address[address.length - 1]));

        Properties config = new Properties();
        config.put("bootstrap.servers", broker.getBrokersAsString());
        config.put("group.id", "outage-test");
        config.put("auto.offset.reset", "earliest");
        boolean found = false;
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("microposts.posts"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!found && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    String type = new String(
                            record.headers().lastHeader("microposts_event_type").value(), StandardCharsets.UTF_8);
                    if (value.contains("\"id\":" + id + ",") && type.contains("MicropostCreated")) {
                        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                                .isEqualTo(Long.toString(id));
                        found = true;
                    }
                }
            }
        }
        assertThat(found).as("MicropostCreated of " + id + " reached Kafka").isTrue();
        await(Duration.ofSeconds(30), () -> incomplete() == 0);
    }

    private long incomplete() {
        return jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL")
                .query(Long.class)
                .single();
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(condition::getAsBoolean);
    }
}
