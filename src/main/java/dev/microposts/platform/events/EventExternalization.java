package dev.microposts.platform.events;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.RequestIds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Events out: Spring Modulith externalizes every {@code @Externalized} event of a module this
 * process runs, routed as its annotation says ({@code microposts.<module>::#{key}}: the topic of
 * its module, keyed by its entity, so one entity's events stay in order), with its type and the
 * request id as headers. The publication is recorded in the transaction of the change and stays
 * incomplete until the broker has it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnKafkaEvents
class EventExternalization {

    @Bean
    EventExternalizationConfiguration externalizedEvents(MicropostsProperties settings) {
        Set<ModuleId> local = settings.localModules();
        // a module being extracted: its events come back from the extracted process through Kafka
        Set<ModuleId> extracting = settings.extractingModules();
        return EventExternalizationConfiguration.externalizing()
                .select(EventExternalizationConfiguration.annotatedAsExternalized()
                        .and(event -> EventTopics.producer(event)
                                .filter(local::contains)
                                .filter(producer -> !extracting.contains(producer))
                                .isPresent()))
                .headers(event -> {
                    Map<String, Object> headers = new HashMap<>();
                    headers.put(EventTopics.TYPE_HEADER, event.getClass().getName());
                    String requestId = MDC.get(RequestIds.MDC_KEY);
                    if (requestId != null) {
                        headers.put(EventTopics.REQUEST_ID_HEADER, requestId);
                    }
                    return headers;
                })
                .build();
    }

    @Bean
    KafkaAdmin.NewTopics micropostsTopics(MicropostsProperties settings) {
        // the topics of local producers, and where the event bridge parks what it cannot read
        Stream<String> parked =
                EventBridge.consumedTopics(settings.localModules(), settings.extractingModules()).stream()
                        .map(EventBridge::parkedTopic);
        List<NewTopic> topics = Stream.concat(
                        settings.localModules().stream()
                                .filter(ModuleId::publishesEvents)
                                .map(ModuleId::topic),
                        parked)
                .map(topic -> TopicBuilder.name(topic).partitions(3).replicas(1).build())
                .toList();
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

        @Scheduled(fixedDelay = 5000, initialDelay = 5000)
        void ensure() {
            if (!done) {
                done = admin.initialize();
            }
        }
    }
}
