package dev.microposts.platform.topology;

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
 * Registers a module's internal endpoints ({@link InternalEndpoints}) only when this process runs
 * the module and a module that calls it runs in another process: a process that runs the
 * module's callers itself (the monolith) does not serve them at all.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(ConditionalOnRemoteCallers.OnRemoteCallers.class)
public @interface ConditionalOnRemoteCallers {

    ModuleId value();

    final class OnRemoteCallers implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var attributes = metadata.getAnnotationAttributes(ConditionalOnRemoteCallers.class.getName());
            if (attributes == null) {
                return false;
            }
            ModuleId module = (ModuleId) attributes.get("value");
            MicropostsProperties settings = MicropostsProperties.of(context.getEnvironment());
            return InternalEndpoints.served(settings.localModules(), settings.extractingModules())
                    .contains(module);
        }
    }
}
