package dev.microposts.platform.web;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.web.filter.ForwardedHeaderFilter;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ForwardedHeaderUtils;

/**
 * {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port}, {@code -Prefix} (and {@code -For}),
 * honoured only when the peer is a trusted proxy ({@code MICROPOSTS_FORWARDED_TRUSTED_PROXIES})
 * and only when well-formed. From any other peer every forwarded header ({@code Forwarded},
 * {@code X-Forwarded-*}) is hidden from the rest of the process; a malformed one is hidden too,
 * never answered with an error. {@code Forwarded} (RFC 7239) and {@code X-Forwarded-Ssl} are not
 * part of the contract and are always hidden.
 * <p>
 * A process of business modules then applies what is left (Spring's {@link ForwardedHeaderFilter}),
 * so every {@code href}, {@code Location} and {@code Link} it writes uses it. The router's
 * process does not apply them: it passes what is left on, and Spring Cloud Gateway adds its own
 * values after them, so the modules behind it see the trusted proxy's values first and, when a
 * client sent none or was not trusted, the router's own (hrefs point at the router).
 * <p>
 * Spring Boot's {@code server.forward-headers-strategy} stays {@code none}: {@code framework}
 * would apply the headers of anyone, and Tomcat's {@code RemoteIpValve} ({@code native}) does
 * not know {@code X-Forwarded-Prefix}.
 */
@Component
@Order(RequestIds.ORDER + 1)
public class ForwardedHeaders extends OncePerRequestFilter {

    /** A character of a prefix's path segment: RFC 3986's pchar without ';' (path parameters). */
    private static final String PCHAR = "(?:[A-Za-z0-9._~!$&'()*+=:@-]|%[0-9A-Fa-f]{2})";

    /** The honoured headers and the form of each of their comma-separated values. */
    private static final Map<String, Pattern> HONOURED = Map.of(
            "x-forwarded-proto", Pattern.compile("(?i)https?"),
            "x-forwarded-host",
                    Pattern.compile(
                            "(?:[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?|\\[[0-9A-Fa-f:.]+])(?::(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|\\d{1,4}))?"),
            "x-forwarded-port",
                    Pattern.compile("6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|\\d{1,4}"),
            "x-forwarded-prefix", Pattern.compile("(?:/" + PCHAR + "+)*/?"),
            "x-forwarded-for",
                    Pattern.compile("[0-9A-Fa-f.:]+|\\[[0-9A-Fa-f:.]+](?::\\d{1,5})?|unknown|_[A-Za-z0-9._-]+"));

    private final TrustedProxies trusted;
    private final boolean passOn;
    private final ForwardedHeaderFilter apply = new ForwardedHeaderFilter();

    @Autowired
    public ForwardedHeaders(ForwardedProperties settings, Environment environment) {
        this(settings.proxies(), MicropostsProperties.localModules(environment).equals(Set.of(ModuleId.ROUTER)));
    }

    ForwardedHeaders(TrustedProxies trusted, boolean passOn) {
        this.trusted = trusted;
        this.passOn = passOn;
    }

    public static boolean isForwardedHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("forwarded") || lower.startsWith("x-forwarded-");
    }

    /** Whether a forwarded header's values are all of the form the contract honours. */
    public static boolean wellFormed(String name, List<String> values) {
        Pattern form = HONOURED.get(name.toLowerCase(Locale.ROOT));
        if (form == null || values.isEmpty()) {
            return false;
        }
        for (String value : values) {
            String[] parts = value.split(",", -1);
            for (String part : parts) {
                if (!form.matcher(part.trim()).matches()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean any = false;
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements() && !any; ) {
            any = isForwardedHeader(names.nextElement());
        }
        if (!any) {
            chain.doFilter(request, response);
            return;
        }
        Kept kept = new Kept(request, trusted.contains(request.getRemoteAddr()));
        if (passOn || !kept.anyForwarded()) {
            chain.doFilter(kept, response);
        } else if (!kept.applicable()) {
            chain.doFilter(new Kept(request, false), response);
        } else {
            apply.doFilter(kept, response, chain);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** The request with only the forwarded headers that are believed: from a trusted proxy, well-formed. */
    private static final class Kept extends HttpServletRequestWrapper {

        private final Map<String, List<String>> headers = new LinkedCaseInsensitiveMap<>(Locale.ROOT);
        private boolean anyForwarded;

        Kept(HttpServletRequest request, boolean fromTrustedProxy) {
            super(request);
            for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                List<String> values = Collections.list(request.getHeaders(name));
                if (!isForwardedHeader(name)) {
                    headers.put(name, values);
                } else if (fromTrustedProxy && wellFormed(name, values)) {
                    headers.put(name, values);
                    anyForwarded = true;
                }
            }
        }

        boolean anyForwarded() {
            return anyForwarded;
        }

        /**
         * Whether Spring's adaptation of the request URL to these headers succeeds (it answers 400
         * when it does not); the forms above make it so, this makes sure.
         */
        boolean applicable() {
            try {
                HttpHeaders forwarded = new HttpHeaders();
                headers.forEach((name, values) -> {
                    if (isForwardedHeader(name)) {
                        forwarded.addAll(name, values);
                    }
                });
                URI uri = URI.create(
                        ((HttpServletRequest) getRequest()).getRequestURL().toString());
                ForwardedHeaderUtils.adaptFromForwardedHeaders(uri, forwarded)
                        .build()
                        .toUri();
                return true;
            } catch (RuntimeException ex) {
                return false;
            }
        }

        @Override
        public String getHeader(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            List<String> values = headers.get(name);
            return Collections.enumeration(values == null ? List.of() : values);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(new ArrayList<>(headers.keySet()));
        }

        @Override
        public long getDateHeader(String name) {
            return headers.containsKey(name) ? super.getDateHeader(name) : -1;
        }

        @Override
        public int getIntHeader(String name) {
            return headers.containsKey(name) ? super.getIntHeader(name) : -1;
        }
    }
}
