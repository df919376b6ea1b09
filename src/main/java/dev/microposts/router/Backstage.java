package dev.microposts.router;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The router's Tomcat as the backstage of its public port ({@link PublicPort}): a request the
 * public port passed on carries {@link PublicPort#FRONT_HEADER}, this process's secret and the
 * client's address, so the firewall, the trusted-proxy check and the access log see the client,
 * not the public port. The header is never seen further in: one with another secret (a client's
 * guess) is dropped, and the request is the caller's own.
 */
final class Backstage extends OncePerRequestFilter {

    /** This process's secret, a bean of its own so the public port and this filter share it. */
    record Secret(String value) {}

    private final String secret;

    Backstage(String secret) {
        this.secret = secret;
    }

    /** A new secret, for one run of the process. */
    static String newSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String front = request.getHeader(PublicPort.FRONT_HEADER);
        if (front == null) {
            chain.doFilter(request, response);
            return;
        }
        int space = front.indexOf(' ');
        boolean ours = space > 0
                && MessageDigest.isEqual(
                        front.substring(0, space).getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8));
        chain.doFilter(new FromFront(request, ours ? front.substring(space + 1) : null), response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** The request without the front's header, and from the client's address when the front sent it. */
    private static final class FromFront extends HttpServletRequestWrapper {

        private final String client;

        FromFront(HttpServletRequest request, String client) {
            super(request);
            this.client = client;
        }

        @Override
        public String getRemoteAddr() {
            return client == null ? super.getRemoteAddr() : client;
        }

        @Override
        public String getRemoteHost() {
            return client == null ? super.getRemoteHost() : client;
        }

        private static boolean front(String name) {
            return PublicPort.FRONT_HEADER.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return front(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return front(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> all = super.getHeaderNames(); all.hasMoreElements(); ) {
                String name = all.nextElement();
                if (!front(name)) {
                    names.add(name);
                }
            }
            return Collections.enumeration(names);
        }
    }
}
