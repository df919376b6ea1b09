package dev.microposts.platform.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The answer to an error that the servlet container sends to its error page (a method it refuses
 * before any handler, such as TRACE; a path the request firewall rejects; an exception a filter
 * lets out) as a problem, like every other error, instead of Spring Boot's own JSON map. It
 * replaces Spring Boot's {@code BasicErrorController}; the headers already set (the request id,
 * {@code Allow}) stay.
 */
@Controller
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Problem> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for directly, the error page is a path like any other that serves nothing
        int status = !(code instanceof Integer value) ? 404 : value >= 400 ? value : 500;
        HttpStatusCode answered = HttpStatusCode.valueOf(status);
        return ResponseEntity.status(answered)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problem.of(answered, detail(status), List.of()));
    }

    private static String detail(int status) {
        return switch (status) {
            case 400 -> "The request is not well-formed.";
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here (Allow names those that are).";
            case 500 -> "The request could not be answered.";
            default -> null;
        };
    }
}
