package dev.microposts.router;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Problem;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.List;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What the router answers when a module's process fails it. Nothing sent (the connection was
 * refused, or not made within the connect timeout): 503, try again. Sent, but the answer never
 * came or broke off: for a read, 502 (bad gateway); for a write, 502 with the type {@link
 * #OUTCOME_UNKNOWN}, because the module may have done it, and a client should retry with the same
 * {@code Idempotency-Key} rather than blindly.
 * Never a generic 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnModule(ModuleId.ROUTER)
class RouterProblems {

    static final String OUTCOME_UNKNOWN = "urn:microposts:problem:outcome-unknown";
    static final String BAD_GATEWAY = "urn:microposts:problem:bad-gateway";
    static final String UNAVAILABLE = "urn:microposts:problem:module-unavailable";
    static final String HELD = "urn:microposts:problem:held";

    private static final Logger log = LoggerFactory.getLogger(RouterProblems.class);

    /** An answer that broke off while the router copied it (the handler had already returned). */
    @ExceptionHandler(IOException.class)
    ResponseEntity<Problem> brokenAnswer(IOException error, HttpServletRequest request) {
        log.warn("The answer to {} {} broke off: {}", request.getMethod(), request.getRequestURI(), error.toString());
        return answer(error, request.getMethod(), "the module");
    }

    /** The answer to a request the router could not complete with the module that owns it. */
    static ResponseEntity<Problem> answer(Throwable error, String method, String module) {
        if (refused(error)) {
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    UNAVAILABLE,
                    "The " + module + " module is unavailable; try again shortly.");
        }
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return problem(
                    HttpStatus.BAD_GATEWAY, BAD_GATEWAY, "The " + module + " module's answer broke off; try again.");
        }
        return problem(
                HttpStatus.BAD_GATEWAY,
                OUTCOME_UNKNOWN,
                "The " + module + " module's answer broke off: "
                        + "the change may or may not have been made. Retry with the same Idempotency-Key to be safe.");
    }

    /**
     * Nothing reached the module: its process is down or not listening (refused), or no
     * connection could be made in time (a process too busy to accept one, a host unreachable).
     * A read timeout is not among these: the request was sent.
     */
    private static boolean refused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof ConnectTimeoutException
                    || cause instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static ResponseEntity<Problem> problem(HttpStatus status, String type, String detail) {
        Problem problem = Problem.of(status, detail, List.of());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(new Problem(type, problem.title(), problem.status(), problem.detail(), problem.errors()));
    }
}
