package dev.microposts.platform.events;

import dev.microposts.platform.topology.CachedHealth;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Readiness ({@code kafka}): DOWN while the broker cannot be reached. */
@Component("kafka")
@ConditionalOnKafkaEvents
class BrokerHealth extends CachedHealth {

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
            String id = cluster.clusterId().get(2, TimeUnit.SECONDS);
            return Health.up().withDetail("clusterId", id).build();
        } catch (Exception ex) {
            return Health.down()
                    .withDetail("error", ex.getClass().getSimpleName())
                    .build();
        }
    }
}
