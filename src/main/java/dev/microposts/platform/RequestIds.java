package dev.microposts.platform;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an {@code X-Request-Id} (the caller's when well-formed), echoes it on the
 * response and puts it in the logging context as {@code requestId}, also for the asynchronous
 * work the request causes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIds extends OncePerRequestFilter {

	public static final String HEADER = "X-Request-Id";
	public static final String MDC_KEY = "requestId";
	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

	/** The caller's id when it is 1..128 characters of {@code A-Z a-z 0-9 . _ -}, else a new one. */
	public static String accept(String candidate) {
		return candidate != null && VALID.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String id = accept(request.getHeader(HEADER));
		response.setHeader(HEADER, id);
		request.setAttribute(MDC_KEY, id);
		MDC.put(MDC_KEY, id);
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove(MDC_KEY);
		}
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	/** Carries the logging context (and so the request id) into asynchronous tasks. */
	@Component
	static class MdcTaskDecorator implements TaskDecorator {

		@Override
		public Runnable decorate(Runnable runnable) {
			var context = MDC.getCopyOfContextMap();
			return () -> {
				var previous = MDC.getCopyOfContextMap();
				if (context == null) {
					MDC.clear();
				}
				else {
					MDC.setContextMap(context);
				}
				try {
					runnable.run();
				}
				finally {
					if (previous == null) {
						MDC.clear();
					}
					else {
						MDC.setContextMap(previous);
					}
				}
			};
		}
	}
}
