/**
 * Router: the one public entry point in front of the modules' processes (strangler fig). Sends
 * each contract route to the process that owns it, passes {@code Authorization},
 * {@code X-Request-Id} and {@code X-Forwarded-*} on, answers 503 for a route whose process is
 * down, and serves the OpenAPI document of all of them.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Router")
package dev.microposts.router;
