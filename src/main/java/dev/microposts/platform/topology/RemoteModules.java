package dev.microposts.platform.topology;

import dev.microposts.platform.core.DomainException;
import dev.microposts.platform.web.RequestIds;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.observation.ObservationRegistry;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * HTTP bindings of module APIs for modules that run in another process
 * ({@code MICROPOSTS_<MODULE>_URL}): every call has timeouts, passes the request id and the trace
 * ({@code traceparent}), goes through one circuit breaker per remote module, and (for idempotent
 * reads only) is retried. A remote module that is down surfaces as a 503 problem, never as a hang.
 */
@Component("remoteModuleBindings")
public class RemoteModules {

    /** A module in another process cannot answer now (down, too slow, or its breaker is open). */
    public static final class ModuleUnavailable extends DomainException {

        ModuleUnavailable(String message) {
            super(Kind.UNAVAILABLE, message);
        }
    }

    /** One remote module: base URL, client, breaker, retry. */
    public static final class Remote {

        private final String module;
        private final RestClient client;
        private final CircuitBreaker breaker;
        private final Retry retry;

        Remote(String module, RestClient client, CircuitBreaker breaker, Retry retry) {
            this.module = module;
            this.client = client;
            this.breaker = breaker;
            this.retry = retry;
        }

        public RestClient client() {
            return client;
        }

        /** An idempotent read: retried on connection errors and 5xx, behind the breaker. */
        public <T> T read(Supplier<T> call) {
            return guarded(Retry.decorateSupplier(retry, call));
        }

        /** A call that must not be repeated: behind the breaker, never retried. */
        public <T> T write(Supplier<T> call) {
            return guarded(call);
        }

        private <T> T guarded(Supplier<T> call) {
            try {
                return breaker.executeSupplier(call);
            } catch (CallNotPermittedException open) {
                throw new ModuleUnavailable("The " + module + " module is unavailable; try again shortly.");
            } catch (ResourceAccessException | HttpServerErrorException ex) {
                throw new ModuleUnavailable("The " + module + " module did not answer; try again shortly.");
            }
        }
    }

    private final MicropostsProperties settings;
    private final ObservationRegistry observations;
    private final Map<ModuleId, Remote> remotes = new ConcurrentHashMap<>();

    /** Calls that are neither measured nor traced. */
    public RemoteModules(MicropostsProperties settings) {
        this(settings, ObservationRegistry.NOOP);
    }

    /**
     * Every call observed: measured ({@code http.client.requests}) and, with tracing, a span of the
     * caller's trace whose context goes with the request ({@code traceparent}).
     */
    @Autowired
    public RemoteModules(MicropostsProperties settings, ObservationRegistry observations) {
        this.settings = settings;
        this.observations = observations;
    }

    /** The binding of a module that runs elsewhere; its URL must be configured. */
    public Remote of(ModuleId module) {
        return remotes.computeIfAbsent(module, this::create);
    }

    private Remote create(ModuleId module) {
        String url = settings.baseUrl(module);
        if (url == null) {
            throw new IllegalStateException(module.urlVariable() + " is not set");
        }
        var requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(settings.remote().connectTimeout());
        requests.setReadTimeout(settings.remote().readTimeout());
        RestClient client = RestClient.builder()
                .baseUrl(url)
                .requestFactory(requests)
                .observationRegistry(observations)
                .requestInterceptor((request, body, execution) -> {
                    String id = MDC.get(RequestIds.MDC_KEY);
                    if (id != null) {
                        request.getHeaders().set(RequestIds.HEADER, id);
                    }
                    InternalEndpoints.credential(settings)
                            .ifPresent(token -> request.getHeaders().set(InternalEndpoints.HEADER, token));
                    return execution.execute(request, body);
                })
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(
                module.id(),
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(5)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(2))
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .recordExceptions(ResourceAccessException.class, HttpServerErrorException.class)
                        .build());
        Retry retry = Retry.of(
                module.id(),
                RetryConfig.custom()
                        .maxAttempts(3)
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(50), 2, 0.5))
                        .retryOnException(RemoteModules::worthAskingAgain)
                        .build());
        return new Remote(module.id(), client, breaker, retry);
    }

    /**
     * Whether a failed read is asked again: no connection, or a 5xx answer. Not a 4xx (the same
     * question gets the same answer), nor a timeout: that call already waited its whole budget, and
     * asking a slow module again would multiply the wait and its load.
     */
    static boolean worthAskingAgain(Throwable failure) {
        return failure instanceof HttpServerErrorException
                || failure instanceof ResourceAccessException
                        && !(failure.getCause() instanceof SocketTimeoutException);
    }
}
