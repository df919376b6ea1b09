package dev.microposts.platform.events;

import dev.microposts.platform.topology.ModuleId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** How a domain event travels in Kafka: the topic of its module, and the headers beside it. */
final class EventTopics {

    static final String TYPE_HEADER = "microposts_event_type";
    static final String REQUEST_ID_HEADER = "microposts_request_id";
    static final String EVENTS_PACKAGE = "dev.microposts.";

    private EventTopics() {}

    /** The module that publishes an event: the top-level package under dev.microposts. */
    static Optional<ModuleId> producer(Object event) {
        String name = event.getClass().getName();
        if (!name.startsWith(EVENTS_PACKAGE)) {
            return Optional.empty();
        }
        String rest = name.substring(EVENTS_PACKAGE.length());
        return ModuleId.of(rest.substring(0, Math.max(0, rest.indexOf('.'))));
    }

    /** A header's value as a string (Spring's header mapper writes strings as JSON strings). */
    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return null;
        }
        String value = new String(header.value(), StandardCharsets.UTF_8);
        return value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
