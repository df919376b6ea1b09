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
 * Registers a component only when this process runs the named module
 * ({@code MICROPOSTS_MODULES}, default: every business module, the monolith).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(ConditionalOnModule.OnModule.class)
public @interface ConditionalOnModule {

    ModuleId value();

    /** When false, registers the component only when the module does NOT run in this process. */
    boolean local() default true;

    final class OnModule implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var attributes = metadata.getAnnotationAttributes(ConditionalOnModule.class.getName());
            if (attributes == null) {
                return false;
            }
            ModuleId module = (ModuleId) attributes.get("value");
            boolean local = (Boolean) attributes.get("local");
            return MicropostsProperties.localModules(context.getEnvironment()).contains(module) == local;
        }
    }
}
