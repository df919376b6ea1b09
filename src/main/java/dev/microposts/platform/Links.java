package dev.microposts.platform;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;

/**
 * Absolute URLs of the public API, built from the current request so that
 * {@code X-Forwarded-Proto/Host/Prefix} (applied by the forwarded-header filter) are honoured.
 */
public final class Links {

	private Links() {
	}

	/** The public base URL of the current request, without a trailing slash. */
	public static String base() {
		return ServletUriComponentsBuilder.fromCurrentContextPath().replaceQuery(null).build().toUriString();
	}

	public static String user(String username) {
		return base() + "/api/users/" + segment(username);
	}

	public static String collection(String username) {
		return user(username) + "/collection";
	}

	public static String timeline(String username) {
		return user(username) + "/timeline";
	}

	public static String micropost(String username, long id) {
		return collection(username) + "/" + id;
	}

	/** The current request's absolute URL without its query. */
	public static String currentPath() {
		return ServletUriComponentsBuilder.fromCurrentRequestUri().replaceQuery(null).build().toUriString();
	}

	private static String segment(String value) {
		return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
	}
}
