package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The consumer-group settings: their defaults, and the values a broker would refuse. */
class KafkaSettingsTests {

    @Test
    void defaults() {
        MicropostsProperties.Kafka kafka =
                MicropostsProperties.of(new MockEnvironment()).kafka();
        assertThat(kafka.instance()).isNull();
        assertThat(kafka.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aSessionTimeoutBelowTheBrokersMinimumIsRefused() {
        assertThatThrownBy(() -> MicropostsProperties.of(
                        new MockEnvironment().withProperty("microposts.kafka.session-timeout", "2s")))
                .hasStackTraceContaining("microposts.kafka.session-timeout must be at least 6s");
    }

    @Test
    void anInstanceNameKafkaCannotTakeIsRefused() {
        assertThatThrownBy(() -> MicropostsProperties.of(
                        new MockEnvironment().withProperty("microposts.kafka.instance", "pod 1")))
                .hasStackTraceContaining("microposts.kafka.instance must be");
        assertThat(MicropostsProperties.of(
                                new MockEnvironment().withProperty("microposts.kafka.instance", "timeline-1"))
                        .kafka()
                        .instance())
                .isEqualTo("timeline-1");
    }
}
