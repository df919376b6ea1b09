package dev.microposts.router;

import dev.microposts.platform.web.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the admin API and the public API apart: the admin port serves the admin API (and its
 * OpenAPI document) only, and only to a caller with the admin credential; the public port never
 * serves the admin API. Without a credential configured there is no admin port at all. The one
 * exception to the credential is the console's page and assets ({@link AdminConsole}): static
 * files without data, which ask for the credential and send it with every call they make.
 */
final class AdminPort extends OncePerRequestFilter {

    static final String OPENAPI = "/v3/api-docs/admin";

    private final int port;
    private final AdminCredential credential;

    AdminPort(int port, AdminCredential credential) {
        this.port = port;
        this.credential = credential;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        boolean adminPath = path.equals(AdminApi.BASE) || path.startsWith(AdminApi.BASE + "/") || path.equals(OPENAPI);
        if (request.getLocalPort() != port || !credential.configured()) {
            if (adminPath) {
                Problem.of(HttpStatus.NOT_FOUND, "No such resource.", List.of()).writeTo(response);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (AdminConsole.serves(request.getMethod(), path)) {
            chain.doFilter(request, response);
            return;
        }
        if (!adminPath) {
            Problem.of(
                            HttpStatus.NOT_FOUND,
                            "The admin port serves only " + AdminApi.BASE + "/** and " + OPENAPI + ".",
                            List.of())
                    .writeTo(response);
            return;
        }
        if (!credential.authorizes(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"microposts-router-admin\"");
            Problem.of(
                            HttpStatus.UNAUTHORIZED,
                            "The admin API needs the admin credential as a bearer token.",
                            List.of())
                    .writeTo(response);
            return;
        }
        chain.doFilter(request, response);
    }
}
