package dev.microposts.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.microposts.platform.core.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of every error answer (RFC 9457). {@code errors} names offending fields of a 400.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    public static Problem of(HttpStatusCode status, String detail, List<FieldError> errors) {
        HttpStatus known = HttpStatus.resolve(status.value());
        String title = known == null ? "Error" : known.getReasonPhrase();
        return new Problem(
                "about:blank",
                title,
                status.value(),
                detail == null || detail.isBlank() ? title : detail,
                errors == null ? List.of() : errors);
    }

    /** This problem as the body of an {@code application/problem+json} answer. */
    public byte[] toJson() {
        return MAPPER.writeValueAsBytes(this);
    }

    /** Writes this problem to a response outside Spring MVC (filters, security). */
    public void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(toJson());
    }
}
