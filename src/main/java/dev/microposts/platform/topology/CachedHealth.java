package dev.microposts.platform.topology;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that reaches over the network, asked at most every two seconds however often
 * probes and scrapes come.
 */
public abstract class CachedHealth implements HealthIndicator {

    private static final long MAX_AGE_NANOS = 2_000_000_000L;

    private volatile Health last;
    private volatile long lastAt;

    @Override
    public final Health health() {
        long now = System.nanoTime();
        if (last == null || now - lastAt > MAX_AGE_NANOS) {
            last = check();
            lastAt = now;
        }
        return last;
    }

    protected abstract Health check();
}
