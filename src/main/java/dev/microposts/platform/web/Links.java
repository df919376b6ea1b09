package dev.microposts.platform.web;

import java.nio.charset.StandardCharsets;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Absolute URLs of the public API, built from the current request so that
 * {@code X-Forwarded-Proto/Host/Prefix} (applied by the forwarded-header filter) are honoured.
 * Each module writes the paths of its own resources ({@code accounts.UserLinks}, ...).
 */
public final class Links {

    private Links() {}

    private static final String BASE_ATTRIBUTE = Links.class.getName() + ".base";

    /**
     * The public base URL of the current request, without a trailing slash; worked out once per
     * request (a list of microposts needs it for every item).
     */
    public static String base() {
        var attributes = RequestContextHolder.getRequestAttributes();
        Object cached =
                attributes == null ? null : attributes.getAttribute(BASE_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (cached instanceof String base) {
            return base;
        }
        String base = ServletUriComponentsBuilder.fromCurrentContextPath()
                .replaceQuery(null)
                .build()
                .toUriString();
        if (attributes != null) {
            attributes.setAttribute(BASE_ATTRIBUTE, base, RequestAttributes.SCOPE_REQUEST);
        }
        return base;
    }

    /** The absolute URL of a path of the public API: the current request's base and {@code path}. */
    public static String to(String path) {
        return base() + path;
    }

    /** A value made safe for one path segment ({@code /} and the like percent-encoded). */
    public static String segment(String value) {
        return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }

    /** The current request's absolute URL without its query. */
    public static String currentPath() {
        return ServletUriComponentsBuilder.fromCurrentRequestUri()
                .replaceQuery(null)
                .build()
                .toUriString();
    }
}
