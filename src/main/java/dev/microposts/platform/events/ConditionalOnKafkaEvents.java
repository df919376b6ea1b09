package dev.microposts.platform.events;

import dev.microposts.platform.topology.MicropostsProperties;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registers a component only when domain events go between processes through Kafka
 * ({@code MICROPOSTS_KAFKA_BOOTSTRAP} set): the one place that decides it, with
 * {@link MicropostsProperties.Kafka#enabled()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(ConditionalOnKafkaEvents.KafkaEnabled.class)
@interface ConditionalOnKafkaEvents {

    final class KafkaEnabled implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return MicropostsProperties.of(context.getEnvironment()).kafka().enabled();
        }
    }
}
