package dev.microposts.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an {@code X-Request-Id} (the caller's when well-formed), echoes it on the
 * response and puts it in the logging context as {@code requestId}, also for the asynchronous
 * work the request causes.
 * <p>
 * It runs right after Spring Boot's {@code ServerHttpObservationFilter} ({@code HIGHEST_PRECEDENCE + 1}),
 * which opens the request's trace, so its access log line carries the trace id too; every filter
 * that may answer by itself comes after it, so each answer has an id.
 */
@Component
@Order(RequestIds.ORDER)
public class RequestIds extends OncePerRequestFilter {

    /** Inside the request's observation, before the filters that may answer by themselves. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

    public static final String HEADER = "X-Request-Id";
    /** Set on every response: a JSON answer is never to be sniffed as something else. */
    public static final String NOSNIFF = "X-Content-Type-Options";

    public static final String MDC_KEY = "requestId";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** One line per request, with its id; {@code LOGGING_LEVEL_DEV_MICROPOSTS_ACCESS=warn} turns it off. */
    static final String ACCESS_LOGGER = "dev.microposts.access";

    private static final org.slf4j.Logger access = org.slf4j.LoggerFactory.getLogger(ACCESS_LOGGER);

    /** The caller's id when it is 1..128 characters of {@code A-Z a-z 0-9 . _ -}, else a new one. */
    public static String accept(String candidate) {
        return candidate != null && VALID.matcher(candidate).matches() ? candidate : newId();
    }

    /**
     * A random (version 4) UUID. A request id only has to be unique, not unguessable, so it comes
     * from the thread's own generator rather than {@link UUID#randomUUID()}'s shared SecureRandom
     * (2% of a read).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(high, low).toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = accept(request.getHeader(HEADER));
        response.setHeader(HEADER, id);
        response.setHeader(NOSNIFF, "nosniff");
        request.setAttribute(MDC_KEY, id);
        MDC.put(MDC_KEY, id);
        long started = System.nanoTime();
        try {
            chain.doFilter(new WithRequestId(request, id), response);
        } finally {
            if (access.isInfoEnabled()) {
                access.info(
                        "{} {} {} {}ms",
                        request.getMethod(),
                        request.getRequestURI(),
                        response.getStatus(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            MDC.remove(MDC_KEY);
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** The request as later filters and proxies see it: carrying the accepted id. */
    private static final class WithRequestId extends jakarta.servlet.http.HttpServletRequestWrapper {

        private final String id;

        WithRequestId(HttpServletRequest request, String id) {
            super(request);
            this.id = id;
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? id : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name)
                    ? java.util.Collections.enumeration(java.util.List.of(id))
                    : super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            var names = new java.util.LinkedHashSet<String>();
            var original = super.getHeaderNames();
            while (original.hasMoreElements()) {
                String name = original.nextElement();
                if (!HEADER.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            names.add(HEADER);
            return java.util.Collections.enumeration(names);
        }
    }

    /**
     * Carries the logging context (the request id) and the current observation (the trace: its
     * span, and the trace id in the logging context) into asynchronous tasks, such as the event
     * listeners and the externalization of events to Kafka, which so continue the request's trace.
     */
    @Component
    static class MdcTaskDecorator implements TaskDecorator {

        private final TaskDecorator observation = new ContextPropagatingTaskDecorator();

        @Override
        public Runnable decorate(Runnable runnable) {
            var context = MDC.getCopyOfContextMap();
            Runnable traced = observation.decorate(runnable);
            return () -> {
                var previous = MDC.getCopyOfContextMap();
                if (context == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(context);
                }
                try {
                    traced.run();
                } finally {
                    if (previous == null) {
                        MDC.clear();
                    } else {
                        MDC.setContextMap(previous);
                    }
                }
            };
        }
    }
}
