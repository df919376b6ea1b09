package dev.microposts.platform.web;

import dev.microposts.platform.core.FieldError;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * An error answer of the public API: thrown anywhere in request handling, written as
 * {@code application/problem+json} (RFC 9457) with optional field errors.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    public ApiProblem(HttpStatus status, String detail) {
        this(status, detail, List.of(), null);
    }

    private ApiProblem(HttpStatus status, String detail, List<FieldError> errors, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(HttpStatus.UNAUTHORIZED, detail);
    }

    /** Another module this request needs is down or too slow: 503, try again later. */
    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(
                HttpStatus.BAD_REQUEST,
                "The request is invalid: "
                        + errors.stream()
                                .map(e -> e.field() + " " + e.message())
                                .reduce((a, b) -> a + "; " + b)
                                .orElse("bad input"),
                errors,
                null);
    }

    public static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, detail, List.of(), retryAfterSeconds);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
