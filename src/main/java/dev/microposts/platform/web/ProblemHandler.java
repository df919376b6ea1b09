package dev.microposts.platform.web;

import dev.microposts.platform.core.DomainException;
import dev.microposts.platform.core.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every exception of request handling into {@code application/problem+json}: the API's
 * own {@link ApiProblem}s, Spring MVC's (405 with {@code Allow}, 415, 404 for unknown paths),
 * and anything unexpected as a 500 without internals.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<Object> apiProblem(ApiProblem problem) {
        var response = ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
        }
        if (problem.status().value() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(Problem.of(problem.status(), problem.getMessage(), problem.errors()));
    }

    /** A module refused a command: each kind of refusal has its status. */
    @ExceptionHandler(DomainException.class)
    ResponseEntity<Object> refused(DomainException refusal) {
        HttpStatus status =
                switch (refusal.kind()) {
                    case NOT_FOUND -> HttpStatus.NOT_FOUND;
                    case INVALID -> HttpStatus.BAD_REQUEST;
                    case CONFLICT -> HttpStatus.CONFLICT;
                    case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
                    case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
                    case THROTTLED -> HttpStatus.TOO_MANY_REQUESTS;
                    case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
                };
        var response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (refusal.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
        }
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(Problem.of(status, refusal.getMessage(), refusal.errors()));
    }

    /**
     * A JSON body Spring MVC could not bind (the admin API's; the public API reads its bodies
     * itself, {@link JsonBody}): the offending field and what it must be, like every 400 about a
     * body, instead of "Failed to read request".
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            org.springframework.http.converter.HttpMessageNotReadableException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        return apiProblem(ApiProblem.invalid(java.util.List.of(unreadable(bindingCause(ex)))));
    }

    /**
     * The exception that says which field could not be bound: the outermost Jackson one that names a
     * target type, not the most specific cause (for a URL that does not parse, that is the
     * URISyntaxException underneath, which names no field); else the most specific cause.
     */
    private static Throwable bindingCause(Exception ex) {
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof tools.jackson.databind.exc.MismatchedInputException
                    || cause instanceof tools.jackson.core.exc.InputCoercionException) {
                return cause;
            }
        }
        return org.springframework.core.NestedExceptionUtils.getMostSpecificCause(ex);
    }

    /** The longest field path named back to the client (map keys are the client's own). */
    static final int MAX_FIELD = 64;

    static FieldError unreadable(Throwable cause) {
        Class<?> type;
        if (cause instanceof tools.jackson.databind.exc.MismatchedInputException mismatch) {
            type = mismatch.getTargetType();
        } else if (cause instanceof tools.jackson.core.exc.InputCoercionException coercion) {
            type = coercion.getTargetType();
        } else {
            return new FieldError("body", "is not well-formed JSON");
        }
        StringBuilder field = new StringBuilder();
        for (tools.jackson.core.JacksonException.Reference step :
                ((tools.jackson.core.JacksonException) cause).getPath()) {
            if (step.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        String name = field.isEmpty() ? "body" : field.toString();
        return new FieldError(name.length() > MAX_FIELD ? name.substring(0, MAX_FIELD) + "..." : name, mustBe(type));
    }

    private static String mustBe(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == java.net.URI.class) {
            return "must be a URL";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "must be a JSON object";
        }
        return "has the wrong type";
    }

    /** A query string that is not valid URL encoding. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<Object> badQuery(Exception ex) {
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problem.of(
                        HttpStatusCode.valueOf(400),
                        "The query string is not valid URL encoding.",
                        java.util.List.of(new FieldError("query", "is not valid URL encoding"))));
    }

    /**
     * The database cannot be reached (no connection within the pool's timeout, or the connection
     * broke): nothing was changed, try again shortly.
     */
    @ExceptionHandler({
        org.springframework.transaction.CannotCreateTransactionException.class,
        org.springframework.dao.DataAccessResourceFailureException.class
    })
    ResponseEntity<Object> databaseUnavailable(Exception ex) {
        log.warn("The database is unreachable: {}", ex.toString());
        return ResponseEntity.status(503)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, "2")
                .body(Problem.of(HttpStatusCode.valueOf(503), "The database is unavailable; try again shortly.", null));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex) {
        log.error("Unexpected error while handling a request", ex);
        return ResponseEntity.status(500)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problem.of(HttpStatusCode.valueOf(500), "An unexpected error occurred.", null));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        String detail = null;
        if (body instanceof ProblemDetail problemDetail) {
            detail = problemDetail.getDetail();
        } else if (ex instanceof ErrorResponse errorResponse) {
            detail = errorResponse.getBody().getDetail();
        }
        HttpHeaders out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(Problem.of(statusCode, detail, null), out, statusCode);
    }
}
