package dev.microposts.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

/**
 * Tracing as application.yaml configures it: trace ids are made and propagated always, spans go
 * nowhere until an OTLP endpoint is set (no exporter, so no connection attempt and no error log),
 * and nothing pushes metrics by OTLP (they stay Prometheus).
 */
class TracingDefaultsTests {

    private final ApplicationContextRunner tracing = new ApplicationContextRunner()
            .withInitializer(context -> {
                try {
                    new YamlPropertySourceLoader()
                            .load("application.yaml", new ClassPathResource("application.yaml"))
                            .forEach(context.getEnvironment().getPropertySources()::addLast);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            })
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MicrometerTracingAutoConfiguration.class,
                    OpenTelemetrySdkAutoConfiguration.class,
                    OpenTelemetryTracingAutoConfiguration.class,
                    OtlpTracingAutoConfiguration.class));

    @Test
    void withoutAnEndpointNothingIsExported() {
        tracing.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(Tracer.class);
            assertThat(context).doesNotHaveBean(SpanExporter.class);
            assertThat(context.getBean(Sampler.class).getDescription()).contains("0.1");
        });
    }

    @Test
    void anEndpointExportsSpansByOtlpOverHttp() {
        tracing.withPropertyValues(
                        "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:4318/v1/traces")
                .run(context -> assertThat(context).hasSingleBean(OtlpHttpSpanExporter.class));
    }

    @Test
    void metricsAreNotPushedByOtlp() {
        assertThat(ClassUtils.isPresent("io.micrometer.registry.otlp.OtlpMeterRegistry", null))
                .isFalse();
    }
}
